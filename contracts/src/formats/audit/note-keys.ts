// Verifier keys for signed notes (c2sp.org/signed-note): key IDs and the text form used in
// configuration, `<name>+<8 hex key id>+<base64(type bytes || public key)>`.
import { bytesEqual, concatBytes, fromBase64, fromHex, sha256, toBase64, toHex } from './hash'
import { NoteFormatError } from './note-errors'

import type { AuditKeyAlgorithm } from './key-algorithms'

export { AUDIT_KEY_ALGORITHMS } from './key-algorithms'
export type { AuditKeyAlgorithm } from './key-algorithms'

export type VerifierKey = { name: string; algorithm: AuditKeyAlgorithm; publicKey: Uint8Array }

/** Signature type byte of Ed25519 notes (c2sp.org/signed-note). */
export const SIGNATURE_TYPE_ED25519 = 0x01

/** ML-DSA-65 has no assigned type byte: 0xff (the spec's escape) followed by ASCII "ML-DSA-65". */
export const ML_DSA_65_TYPE_ID: Uint8Array = new Uint8Array([0xff, ...new TextEncoder().encode('ML-DSA-65')])

/** Public key and signature sizes (RFC 8032; FIPS 204 ML-DSA-65). */
export const KEY_SIZES = {
  ed25519: { publicKey: 32, signature: 64 },
  'ml-dsa-65': { publicKey: 1952, signature: 3309 },
} as const satisfies Record<AuditKeyAlgorithm, { publicKey: number; signature: number }>

/** Human name of an algorithm, for messages. */
export const ALGORITHM_LABELS: Record<AuditKeyAlgorithm, string> = { ed25519: 'Ed25519', 'ml-dsa-65': 'ML-DSA-65' }

function typeBytesOf(algorithm: AuditKeyAlgorithm): Uint8Array {
  return algorithm === 'ed25519' ? new Uint8Array([SIGNATURE_TYPE_ED25519]) : ML_DSA_65_TYPE_ID
}

/** Key names are non-empty and contain neither Unicode spaces nor '+'. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s\u0085+]/u.test(name)
}

function assertKey(key: VerifierKey): void {
  if (!isValidKeyName(key.name)) throw new NoteFormatError(`invalid key name ${JSON.stringify(key.name)}`)
  const size = KEY_SIZES[key.algorithm]?.publicKey
  if (size === undefined) throw new NoteFormatError(`unknown key algorithm ${JSON.stringify(key.algorithm)}`)
  if (key.publicKey.length !== size) {
    throw new NoteFormatError(`${ALGORITHM_LABELS[key.algorithm]} public key must be ${size} bytes`)
  }
}

/** The 4-byte key ID: SHA-256(name || 0x0A || type bytes || public key)[:4]. */
export function keyIdOf(key: VerifierKey): Uint8Array {
  assertKey(key)
  const name = new TextEncoder().encode(key.name)
  const digest = sha256(concatBytes(name, new Uint8Array([0x0a]), typeBytesOf(key.algorithm), key.publicKey))
  return digest.slice(0, 4)
}

/** `<name>+<8 hex key id>+<base64(type bytes || public key)>`. */
export function formatVerifierKey(key: VerifierKey): string {
  const encoded = toBase64(concatBytes(typeBytesOf(key.algorithm), key.publicKey))
  return `${key.name}+${toHex(keyIdOf(key))}+${encoded}`
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return bytes.length >= prefix.length && bytesEqual(bytes.subarray(0, prefix.length), prefix)
}

/** Parses the text form of a verifier key; throws NoteFormatError when malformed or when the key ID does not match. */
export function parseVerifierKey(text: string): VerifierKey {
  // The name has no '+', and neither has the key ID; the base64 key may contain '+'.
  const match = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(text)
  const [, name = '', idHex = '', encoded = ''] = match ?? []
  if (!match || !isValidKeyName(name)) {
    throw new NoteFormatError('verifier key must have the form <name>+<key id>+<base64 key>')
  }
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new NoteFormatError('verifier key ID must be 8 lowercase hex characters')
  let raw: Uint8Array
  try {
    raw = fromBase64(encoded)
  } catch (error) {
    throw new NoteFormatError(`verifier key is not valid base64: ${(error as Error).message}`)
  }
  let key: VerifierKey
  if (raw[0] === SIGNATURE_TYPE_ED25519) {
    key = { name, algorithm: 'ed25519', publicKey: raw.slice(1) }
  } else if (startsWith(raw, ML_DSA_65_TYPE_ID)) {
    key = { name, algorithm: 'ml-dsa-65', publicKey: raw.slice(ML_DSA_65_TYPE_ID.length) }
  } else {
    throw new NoteFormatError('verifier key has an unknown signature type')
  }
  if (!bytesEqual(keyIdOf(key), fromHex(idHex))) {
    throw new NoteFormatError(`verifier key ID ${idHex} does not match the key (expected ${toHex(keyIdOf(key))})`)
  }
  return key
}
