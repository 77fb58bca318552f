/** The algorithm of a publisher's signing key: Ed25519 + ML-DSA-65 (TGSP.md, `author_pubkey`). */
export const SIGNING_ALG = 'Hybrid-Dilithium-v1'

export type SigningPublicKey = { classic: string; pqc: string }
export type SigningKeyResult = { ok: true; key: SigningPublicKey } | { ok: false; problem: string }

const KEYGEN = '`pnpm tgctl tgsp keygen --type signing`'
/**
 * The keygen's secret key file (signing.key.json) has the same fields as the public one; its
 * ML-DSA-65 key is the 4,032-byte secret key (FIPS 204) instead of the 1,952-byte public key.
 */
const ML_DSA_65_SECRET_HEX = 4032 * 2
const SECRET_FIELD = /secret|private/i
const SECRET_PROBLEM = 'This is a secret key file (signing.key.json): keep it private, and choose signing.pub.json.'

/** Hex as the contract wants it: no whitespace or line breaks, lowercase. */
export function normalizeHex(text: string): string {
  return text.replace(/\s+/g, '').toLowerCase()
}

/**
 * The public key of a `signing.pub.json` as written by the keygen
 * (`{"alg":"Hybrid-Dilithium-v1","classic":hex,"pqc":hex}`), or what is wrong with the file.
 * The secret key file is refused, so that its keys never fill the form.
 */
export function parseSigningPublicKey(text: string): SigningKeyResult {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, problem: `This file is not JSON. Choose the signing.pub.json written by ${KEYGEN}.` }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return {
      ok: false,
      problem: `This file is not a public key file. Choose the signing.pub.json written by ${KEYGEN}.`,
    }
  const record = value as Record<string, unknown>
  if (Object.keys(record).some((key) => SECRET_FIELD.test(key))) return { ok: false, problem: SECRET_PROBLEM }
  if (record.alg !== SIGNING_ALG)
    return {
      ok: false,
      problem: `This key is ${typeof record.alg === 'string' ? record.alg : 'of no known algorithm'}; a publisher signs with ${SIGNING_ALG}. Choose the signing key, not the encryption key.`,
    }
  if (typeof record.classic !== 'string' || typeof record.pqc !== 'string')
    return { ok: false, problem: 'This file has no classic and pqc public keys.' }
  const key = { classic: normalizeHex(record.classic), pqc: normalizeHex(record.pqc) }
  if (key.pqc.length === ML_DSA_65_SECRET_HEX) return { ok: false, problem: SECRET_PROBLEM }
  return { ok: true, key }
}

/** Reads a picked file as text with FileReader. */
export function readFileText(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.addEventListener('load', () => resolve(String(reader.result ?? '')))
    reader.addEventListener('error', () => reject(reader.error ?? new Error('The file could not be read.')))
    reader.readAsText(file)
  })
}
