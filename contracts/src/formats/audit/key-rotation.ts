// The statement the log publishes when its signing keys rotate (tensorguardflow.audit-key-rotation/v1):
// a signed note (c2sp.org/signed-note) naming the outgoing and the incoming verifier keys, signed
// by both outgoing keys (Ed25519 and ML-DSA-65). A verifier that trusts the outgoing keys can
// then trust the incoming ones on the outgoing keys' word, without a fresh out-of-band check.
import { ALGORITHM_LABELS, formatVerifierKey, keyIdOf, parseVerifierKey } from './note-keys'
import type { VerifierKey } from './note-keys'
import { NoteFormatError } from './note-errors'
import { bytesEqual, toHex } from './hash'
import { parseSignedNote } from './signed-note'
import { verifySignature } from './signature'

export const AUDIT_KEY_ROTATION_FORMAT = 'tensorguardflow.audit-key-rotation/v1'

export type KeyRotation = {
  origin: string
  /** ISO 8601 instant of the rotation. */
  rotatedAt: string
  /** The outgoing keys, as verifier keys (`name+keyid+base64`). */
  retired: string[]
  /** The incoming keys, as verifier keys. */
  added: string[]
}

/** The note body of a rotation statement (one line each, ending in a newline). */
export function formatRotationBody(rotation: KeyRotation): string {
  const lines = [
    AUDIT_KEY_ROTATION_FORMAT,
    `origin ${rotation.origin}`,
    `time ${rotation.rotatedAt}`,
    ...rotation.retired.map((key) => `retire ${key}`),
    ...rotation.added.map((key) => `add ${key}`),
  ]
  return `${lines.join('\n')}\n`
}

/** Reads a rotation statement's body; throws NoteFormatError when it is not one. */
export function parseRotationBody(body: string): KeyRotation {
  if (!body.endsWith('\n')) throw new NoteFormatError('rotation statement does not end with a newline')
  const [format, originLine, timeLine, ...rest] = body.slice(0, -1).split('\n')
  if (format !== AUDIT_KEY_ROTATION_FORMAT)
    throw new NoteFormatError(`not a key rotation statement: first line is not ${AUDIT_KEY_ROTATION_FORMAT}`)
  if (!originLine?.startsWith('origin ') || originLine.length <= 7)
    throw new NoteFormatError('rotation statement has no origin line')
  if (!timeLine?.startsWith('time ') || Number.isNaN(Date.parse(timeLine.slice(5))))
    throw new NoteFormatError('rotation statement has no valid time line')
  const rotation: KeyRotation = { origin: originLine.slice(7), rotatedAt: timeLine.slice(5), retired: [], added: [] }
  for (const line of rest) {
    const [kind, key, ...extra] = line.split(' ')
    if ((kind !== 'retire' && kind !== 'add') || !key || extra.length > 0)
      throw new NoteFormatError(`rotation statement has an unexpected line: ${JSON.stringify(line.slice(0, 60))}`)
    parseVerifierKey(key)
    ;(kind === 'retire' ? rotation.retired : rotation.added).push(key)
  }
  if (rotation.added.length === 0) throw new NoteFormatError('rotation statement adds no key')
  return rotation
}

export type RotationVerification =
  | { ok: true; rotation: KeyRotation }
  | { ok: false; check: 'format' | 'origin' | 'untrusted' | `signature-${string}`; reason: string }

/**
 * Verifies a rotation statement against trusted keys: it must be one, of `origin`, and carry a
 * verifying Ed25519 and ML-DSA-65 signature by trusted keys that it names as outgoing. A failing
 * signature from a trusted key fails it; signatures from other keys are ignored.
 */
export async function verifyRotationStatement(
  noteText: string,
  trustedKeys: readonly VerifierKey[],
  origin: string,
): Promise<RotationVerification> {
  let note: ReturnType<typeof parseSignedNote>
  let rotation: KeyRotation
  try {
    note = parseSignedNote(noteText)
    rotation = parseRotationBody(note.body)
  } catch (error) {
    if (error instanceof NoteFormatError || error instanceof Error)
      return { ok: false, check: 'format', reason: error.message }
    throw error
  }
  if (rotation.origin !== origin)
    return {
      ok: false,
      check: 'origin',
      reason: `statement is for ${JSON.stringify(rotation.origin)}, not ${JSON.stringify(origin)}`,
    }
  const outgoing = new Set(rotation.retired)
  const known = trustedKeys
    .filter((key) => outgoing.has(formatVerifierKey(key)))
    .map((key) => ({ key, keyId: keyIdOf(key) }))
  const message = new TextEncoder().encode(note.body)
  const verified = new Set<string>()
  for (const signature of note.signatures) {
    const match = known.find((k) => k.key.name === signature.name && bytesEqual(k.keyId, signature.keyId))
    if (!match) continue
    const { algorithm, publicKey } = match.key
    if (!(await verifySignature(algorithm, publicKey, message, signature.signature)))
      return {
        ok: false,
        check: `signature-${algorithm}`,
        reason: `${ALGORITHM_LABELS[algorithm]} signature by key ${toHex(match.keyId)} does not verify`,
      }
    verified.add(algorithm)
  }
  for (const algorithm of ['ed25519', 'ml-dsa-65'] as const)
    if (!verified.has(algorithm))
      return {
        ok: false,
        check: verified.size === 0 ? 'untrusted' : `signature-${algorithm}`,
        reason: `no ${ALGORITHM_LABELS[algorithm]} signature by a trusted outgoing key (both Ed25519 and ML-DSA-65 are required)`,
      }
  return { ok: true, rotation }
}

/**
 * The keys that statements vouch for, starting from `trusted` and following rotations in any
 * order (a statement verified by keys that an earlier statement vouched for counts too). Returns
 * the verifier keys added, each with the statement that vouched for it.
 */
export async function keysVouchedByRotations(
  trusted: readonly VerifierKey[],
  statements: readonly string[],
  origin: string,
): Promise<Array<{ verifierKey: string; rotation: KeyRotation }>> {
  const keys = [...trusted]
  const seen = new Set(trusted.map(formatVerifierKey))
  const added: Array<{ verifierKey: string; rotation: KeyRotation }> = []
  const pending = new Set(statements)
  let progressed = true
  while (progressed && pending.size > 0) {
    progressed = false
    for (const statement of [...pending]) {
      const result = await verifyRotationStatement(statement, keys, origin)
      if (!result.ok) continue
      pending.delete(statement)
      progressed = true
      for (const verifierKey of result.rotation.added) {
        if (seen.has(verifierKey)) continue
        seen.add(verifierKey)
        keys.push(parseVerifierKey(verifierKey))
        added.push({ verifierKey, rotation: result.rotation })
      }
    }
  }
  return added
}
