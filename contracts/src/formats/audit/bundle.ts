// The offline audit export (tensorguardflow.audit-bundle/v1) and its verifier. verifyBundle walks
// the chain of evidence in order and stops at the first broken link.
import { AuditBundleSchema, type AuditBundle } from './bundle-schema'
import { parseCheckpointBody, verifyCheckpoint, type Checkpoint, type VerifiedKey } from './checkpoint'
import { parseEntryText } from './entry'
import { fromBase64, fromHex, leafHash, toHex } from './hash'
import { consistencyProofRanges, inclusionProofRanges, verifyConsistency, verifyInclusion } from './merkle'
import { keyIdOf, type VerifierKey } from './note-keys'
import { NoteFormatError } from './note-errors'
import { parseSignedNote } from './signed-note'

export { AUDIT_BUNDLE_FORMAT, AuditBundleSchema } from './bundle-schema'
export type { AuditBundle } from './bundle-schema'

export type BundleFailureSubject = 'bundle' | 'checkpoint' | 'consistency' | 'entry'
export type BundleFailure = {
  subject: BundleFailureSubject
  seq?: number
  treeSize?: number
  check: string
  message: string
}
export type BundleSummary = {
  entries: number
  checkpoints: number
  treeSize: number
  origin: string
  /** Keys whose signatures verified, over all checkpoints. */
  keys: VerifiedKey[]
  /** True when no trusted keys were given and the bundle's own public keys were used. */
  selfCertified: boolean
}
export type BundleVerification = { ok: true; summary: BundleSummary } | { ok: false; failure: BundleFailure }

type Where = { subject: BundleFailureSubject; seq?: number; treeSize?: number; label: string }
const fail = (where: Where, check: string, what: string): { ok: false; failure: BundleFailure } => {
  const { label, ...location } = where
  return { ok: false, failure: { ...location, check, message: `${label}: ${what} (check: ${check})` } }
}

function bundleKeys(bundle: AuditBundle): VerifierKey[] | { ok: false; failure: BundleFailure } {
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

async function verifyCheckpoints(
  bundle: AuditBundle,
  keys: readonly VerifierKey[],
): Promise<{ checkpoints: Checkpoint[]; verifiedBy: VerifiedKey[] } | { ok: false; failure: BundleFailure }> {
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

function verifyConsistencyChain(bundle: AuditBundle, checkpoints: readonly Checkpoint[]): BundleVerification | null {
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
    if (
      !verifyConsistency({
        oldSize: older.treeSize,
        newSize: newer.treeSize,
        oldRoot: older.rootHash,
        newRoot: newer.rootHash,
        proof,
      })
    ) {
      return fail(
        where,
        'consistency',
        `the tree of size ${newer.treeSize} does not extend the tree of size ${older.treeSize}`,
      )
    }
  }
  return null
}

function verifyEntries(bundle: AuditBundle, head: Checkpoint): BundleVerification | null {
  let previous: { seq: number; leafHash: string } | null = null
  const encoder = new TextEncoder()
  for (const record of bundle.entries) {
    const where: Where = { subject: 'entry', seq: record.seq, label: `entry ${record.seq}` }
    if (previous && record.seq <= previous.seq)
      return fail(where, 'order', `comes after entry ${previous.seq}; entries must ascend by seq`)
    const parsed = parseEntryText(record.canonical)
    if (!parsed.ok) return fail(where, 'canonical', parsed.reason)
    const { body } = parsed
    if (body.seq !== record.seq) return fail(where, 'seq', `the entry text says seq ${body.seq}`)
    if (record.seq >= head.treeSize)
      return fail(where, 'range', `seq is not below the checkpoint's tree size ${head.treeSize}`)
    const leaf = leafHash(encoder.encode(record.canonical))
    const expected = inclusionProofRanges(record.seq, head.treeSize).length
    if (record.proof.length !== expected) {
      return fail(where, 'inclusion', `inclusion proof has ${record.proof.length} hashes, ${expected} expected`)
    }
    const proof = record.proof.map(fromHex)
    if (
      !verifyInclusion({
        leafIndex: record.seq,
        treeSize: head.treeSize,
        leafHash: leaf,
        proof,
        rootHash: head.rootHash,
      })
    ) {
      return fail(where, 'inclusion', 'inclusion proof does not lead to the checkpoint root')
    }
    if ((body.seq === 0) !== (body.prevHash === null)) {
      return fail(where, 'chain', body.seq === 0 ? 'the first entry has a prevHash' : 'prevHash is missing')
    }
    if (previous && previous.seq === record.seq - 1 && body.prevHash !== previous.leafHash) {
      return fail(where, 'chain', `prevHash does not equal the leaf hash of entry ${previous.seq}`)
    }
    previous = { seq: record.seq, leafHash: toHex(leaf) }
  }
  return null
}

/**
 * Verifies an audit bundle offline: checkpoint signatures (against `trustedKeys`, or else the
 * bundle's own keys, which the summary reports as self-certified), origins, ascending sizes,
 * consistency between consecutive checkpoints, then every entry's canonical form, seq, inclusion
 * in the last checkpoint and prevHash chain. Stops at the first broken link.
 */
export async function verifyBundle(
  bundle: unknown,
  options: { trustedKeys?: VerifierKey[] } = {},
): Promise<BundleVerification> {
  const parsed = AuditBundleSchema.safeParse(bundle)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const path = issue?.path.length ? issue.path.join('.') : 'bundle'
    return fail(
      { subject: 'bundle', label: 'bundle' },
      'schema',
      `not an audit bundle: ${path}: ${issue?.message ?? 'invalid'}`,
    )
  }
  const data = parsed.data
  const ownKeys = bundleKeys(data)
  if (!Array.isArray(ownKeys)) return ownKeys
  const selfCertified = options.trustedKeys === undefined
  const chain = await verifyCheckpoints(data, options.trustedKeys ?? ownKeys)
  if ('ok' in chain) return chain
  const broken =
    verifyConsistencyChain(data, chain.checkpoints) ??
    verifyEntries(data, chain.checkpoints[chain.checkpoints.length - 1]!)
  if (broken) return broken
  const summary: BundleSummary = {
    entries: data.entries.length,
    checkpoints: data.checkpoints.length,
    treeSize: chain.checkpoints[chain.checkpoints.length - 1]!.treeSize,
    origin: data.origin,
    keys: chain.verifiedBy,
    selfCertified,
  }
  return { ok: true, summary }
}
