// The signed part of a bundle: its public keys, its checkpoints' signatures and origins, and the
// consistency proofs between consecutive checkpoints.
import type { AuditBundle } from './bundle-schema'
import { fail } from './bundle-failure'
import type { Failed, Where } from './bundle-failure'
import { parseCheckpointBody, verifyCheckpoint } from './checkpoint'
import type { Checkpoint, VerifiedKey } from './checkpoint'
import { fromBase64, fromHex, toHex } from './hash'
import { consistencyProofRanges, verifyConsistency } from './merkle'
import { keyIdOf } from './note-keys'
import type { VerifierKey } from './note-keys'
import { NoteFormatError } from './note-errors'
import { parseSignedNote } from './signed-note'

/** The public keys a bundle or an entry proof lists, each checked against its stated key ID. */
export function bundleKeys(bundle: Pick<AuditBundle, 'publicKeys'>): VerifierKey[] | Failed {
  const keys: VerifierKey[] = []
  for (const entry of bundle.publicKeys) {
    const where: Where = { subject: 'bundle', label: `public key ${entry.name}` }
    try {
      const key = { name: entry.name, algorithm: entry.algorithm, publicKey: fromBase64(entry.publicKey) }
      const keyId = toHex(keyIdOf(key))
      if (keyId !== entry.keyId)
        return fail(where, 'public-key', `listed key ID ${entry.keyId} is not the key's ID ${keyId}`)
      keys.push(key)
    } catch (error) {
      if (!(error instanceof Error)) throw error
      return fail(
        where,
        'public-key',
        error instanceof NoteFormatError ? error.message : `bad base64: ${error.message}`,
      )
    }
  }
  return keys
}

/** The tree size of a checkpoint note whose signatures did not verify, to locate the failure. */
function peekTreeSize(note: string): number | undefined {
  try {
    return parseCheckpointBody(parseSignedNote(note).body).treeSize
  } catch {
    return undefined
  }
}

export async function verifyCheckpoints(
  bundle: AuditBundle,
  keys: readonly VerifierKey[],
): Promise<{ checkpoints: Checkpoint[]; verifiedBy: VerifiedKey[] } | Failed> {
  const checkpoints: Checkpoint[] = []
  const verifiedBy = new Map<string, VerifiedKey>()
  for (const [i, { note }] of bundle.checkpoints.entries()) {
    const result = await verifyCheckpoint(note, keys)
    const label = `checkpoint ${i + 1} of ${bundle.checkpoints.length}`
    if (!result.ok) {
      const treeSize = peekTreeSize(note)
      const where: Where =
        treeSize === undefined
          ? { subject: 'checkpoint', label }
          : { subject: 'checkpoint', treeSize, label: `${label} (tree size ${treeSize})` }
      return fail(where, result.check, result.reason)
    }
    const { checkpoint } = result
    const where: Where = {
      subject: 'checkpoint',
      treeSize: checkpoint.treeSize,
      label: `${label} (tree size ${checkpoint.treeSize})`,
    }
    if (checkpoint.origin !== bundle.origin) {
      return fail(
        where,
        'origin',
        `origin ${JSON.stringify(checkpoint.origin)} is not the bundle's ${JSON.stringify(bundle.origin)}`,
      )
    }
    const previous = checkpoints[checkpoints.length - 1]
    if (previous && checkpoint.treeSize < previous.treeSize) {
      return fail(where, 'order', `tree size is smaller than the previous checkpoint's ${previous.treeSize}`)
    }
    checkpoints.push(checkpoint)
    for (const key of result.verifiedBy) verifiedBy.set(`${key.name}+${key.keyId}`, key)
  }
  return { checkpoints, verifiedBy: [...verifiedBy.values()] }
}

export function verifyConsistencyChain(bundle: AuditBundle, checkpoints: readonly Checkpoint[]): Failed | null {
  if (bundle.consistency.length !== checkpoints.length - 1) {
    const what = `${checkpoints.length} checkpoints need ${checkpoints.length - 1} consistency proofs, found ${bundle.consistency.length}`
    return fail({ subject: 'consistency', label: 'consistency' }, 'count', what)
  }
  for (const [i, link] of bundle.consistency.entries()) {
    const older = checkpoints[i]!
    const newer = checkpoints[i + 1]!
    const label = `consistency ${older.treeSize} -> ${newer.treeSize}`
    const where: Where = { subject: 'consistency', treeSize: newer.treeSize, label }
    if (link.fromSize !== older.treeSize || link.toSize !== newer.treeSize) {
      return fail(where, 'sizes', `proof is for sizes ${link.fromSize} -> ${link.toSize}`)
    }
    const expected = consistencyProofRanges(older.treeSize, newer.treeSize).length
    if (link.proof.length !== expected) {
      return fail(where, 'consistency', `proof has ${link.proof.length} hashes, ${expected} expected`)
    }
    const proof = link.proof.map(fromHex)
    const oldSize = older.treeSize
    const newSize = newer.treeSize
    if (!verifyConsistency({ oldSize, newSize, oldRoot: older.rootHash, newRoot: newer.rootHash, proof })) {
      return fail(where, 'consistency', `the tree of size ${newSize} does not extend the tree of size ${oldSize}`)
    }
  }
  return null
}
