// c2sp.org/tlog-checkpoint bodies and their verification. A TensorGuardFlow checkpoint is valid
// only when it carries a verifying Ed25519 AND a verifying ML-DSA-65 signature from trusted keys.
import { bytesEqual, fromBase64, toBase64, toHex } from './hash'
import { NoteFormatError } from './note-errors'
import { ALGORITHM_LABELS, keyIdOf, type AuditKeyAlgorithm, type VerifierKey } from './note-keys'
import { verifySignature } from './signature'
import { assertNoteBody, parseSignedNote } from './signed-note'

export type Checkpoint = { origin: string; treeSize: number; rootHash: Uint8Array; extensions: string[] }

export type VerifiedKey = { name: string; algorithm: AuditKeyAlgorithm; keyId: string }

export type CheckpointCheck = 'format' | 'signature-ed25519' | 'signature-ml-dsa-65' | 'untrusted'

export type CheckpointVerification =
  | { ok: true; checkpoint: Checkpoint; body: string; verifiedBy: VerifiedKey[] }
  | { ok: false; check: CheckpointCheck; reason: string }

function assertLine(line: string, what: string): void {
  if (line.length === 0) throw new NoteFormatError(`checkpoint ${what} is empty`)
  if (line.includes('\n')) throw new NoteFormatError(`checkpoint ${what} contains a newline`)
}

/** `<origin>\n<tree size>\n<base64 root hash>\n` followed by one line per extension. */
export function formatCheckpointBody(checkpoint: Checkpoint): string {
  assertLine(checkpoint.origin, 'origin')
  if (!Number.isSafeInteger(checkpoint.treeSize) || checkpoint.treeSize < 0) {
    throw new NoteFormatError(`invalid checkpoint tree size ${checkpoint.treeSize}`)
  }
  if (checkpoint.rootHash.length !== 32) throw new NoteFormatError('checkpoint root hash must be 32 bytes')
  for (const extension of checkpoint.extensions) assertLine(extension, 'extension line')
  const lines = [
    checkpoint.origin,
    String(checkpoint.treeSize),
    toBase64(checkpoint.rootHash),
    ...checkpoint.extensions,
  ]
  const body = lines.map((line) => `${line}\n`).join('')
  assertNoteBody(body)
  return body
}

/** Key IDs of the key objects seen (a key's fields are read again, so an edited object is rehashed). */
const keyIds = new WeakMap<VerifierKey, { name: string; algorithm: string; publicKey: Uint8Array; keyId: Uint8Array }>()

function cachedKeyIdOf(key: VerifierKey): Uint8Array {
  const cached = keyIds.get(key)
  if (cached && cached.name === key.name && cached.algorithm === key.algorithm && cached.publicKey === key.publicKey)
    return cached.keyId
  const keyId = keyIdOf(key)
  keyIds.set(key, { name: key.name, algorithm: key.algorithm, publicKey: key.publicKey, keyId })
  return keyId
}

const utf8 = new TextEncoder()

/** Parses a checkpoint note text; throws NoteFormatError when malformed. */
export function parseCheckpointBody(body: string): Checkpoint {
  assertNoteBody(body)
  const lines = body.slice(0, -1).split('\n')
  const [origin, size, root] = lines
  if (origin === undefined || size === undefined || root === undefined) {
    throw new NoteFormatError('checkpoint has fewer than three lines')
  }
  if (origin.length === 0) throw new NoteFormatError('checkpoint origin is empty')
  if (!/^(0|[1-9][0-9]*)$/.test(size))
    throw new NoteFormatError(
      `checkpoint tree size ${JSON.stringify(size)} is not a decimal number without leading zeros`,
    )
  const treeSize = Number(size)
  if (!Number.isSafeInteger(treeSize)) throw new NoteFormatError(`checkpoint tree size ${size} is too large`)
  let rootHash: Uint8Array
  try {
    rootHash = fromBase64(root)
  } catch (error) {
    throw new NoteFormatError(`checkpoint root hash is not valid base64: ${(error as Error).message}`)
  }
  if (rootHash.length !== 32) throw new NoteFormatError(`checkpoint root hash is ${rootHash.length} bytes, not 32`)
  const extensions = lines.slice(3)
  if (extensions.some((line) => line.length === 0)) throw new NoteFormatError('checkpoint has an empty extension line')
  return { origin, treeSize, rootHash, extensions }
}

/**
 * Verifies a signed checkpoint against trusted keys. Signatures from unknown (name, key ID) pairs
 * are ignored; a failing signature from a trusted key fails the checkpoint; at least one trusted
 * Ed25519 and one trusted ML-DSA-65 signature must verify.
 */
export async function verifyCheckpoint(
  noteText: string,
  trustedKeys: readonly VerifierKey[],
): Promise<CheckpointVerification> {
  let note: ReturnType<typeof parseSignedNote>
  try {
    note = parseSignedNote(noteText)
  } catch (error) {
    if (error instanceof NoteFormatError) return { ok: false, check: 'format', reason: error.message }
    throw error
  }
  const known = trustedKeys.map((key) => ({ key, keyId: cachedKeyIdOf(key) }))
  const message = utf8.encode(note.body)
  // Every trusted signature is checked at once, and started before the body is parsed: WebCrypto
  // works off the calling thread, so the parsing below (and noble's ML-DSA-65 where WebCrypto
  // lacks it) runs while it verifies. The first failure in note order is named.
  const checks = note.signatures.flatMap((signature) => {
    const match = known.find((k) => k.key.name === signature.name && bytesEqual(k.keyId, signature.keyId))
    if (!match) return []
    const { algorithm, publicKey } = match.key
    return [{ signature, match, valid: verifySignature(algorithm, publicKey, message, signature.signature) }]
  })
  let checkpoint: Checkpoint
  try {
    checkpoint = parseCheckpointBody(note.body)
  } catch (error) {
    // A malformed body fails as before, whatever its signatures (their checks never reject).
    if (error instanceof NoteFormatError) return { ok: false, check: 'format', reason: error.message }
    throw error
  }
  const verifiedBy: VerifiedKey[] = []
  for (const { signature, match, valid } of checks) {
    const { algorithm } = match.key
    const keyId = toHex(match.keyId)
    if (!(await valid)) {
      const reason = `${ALGORITHM_LABELS[algorithm]} signature by ${signature.name} (key ${keyId}) does not verify`
      return { ok: false, check: `signature-${algorithm}`, reason }
    }
    verifiedBy.push({ name: signature.name, algorithm, keyId })
  }
  if (verifiedBy.length === 0) {
    return {
      ok: false,
      check: 'untrusted',
      reason: `none of the ${note.signatures.length} signatures is from a trusted key`,
    }
  }
  for (const algorithm of ['ed25519', 'ml-dsa-65'] as const) {
    if (!verifiedBy.some((k) => k.algorithm === algorithm)) {
      const reason = `no ${ALGORITHM_LABELS[algorithm]} signature from a trusted key (both Ed25519 and ML-DSA-65 are required)`
      return { ok: false, check: `signature-${algorithm}`, reason }
    }
  }
  return { ok: true, checkpoint, body: note.body, verifiedBy }
}
