// Signature verification: WebCrypto where the runtime implements the algorithm (Chromium has
// Ed25519 and ML-DSA-65, Node 20 only Ed25519), otherwise @noble/curves / @noble/post-quantum.
// Support is probed once per algorithm (generate, export, import, sign, verify) and cached; each
// public key is imported once and its CryptoKey kept (importing costs as much as verifying).
import { ed25519 } from '@noble/curves/ed25519.js'
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js'
import { bytesEqual } from './hash'
import { KEY_SIZES, type AuditKeyAlgorithm } from './note-keys'

export type SignatureBackend = 'webcrypto' | 'noble'

const WEBCRYPTO_NAMES: Record<AuditKeyAlgorithm, string> = { ed25519: 'Ed25519', 'ml-dsa-65': 'ML-DSA-65' }
const WEBCRYPTO_PARAMS: Record<AuditKeyAlgorithm, { name: string }> = {
  ed25519: { name: WEBCRYPTO_NAMES.ed25519 },
  'ml-dsa-65': { name: WEBCRYPTO_NAMES['ml-dsa-65'] },
}
// WebCrypto's ML-DSA keys use the 'raw-public' format (WICG "Modern Algorithms in WebCrypto").
const PUBLIC_KEY_FORMATS: Record<AuditKeyAlgorithm, string> = { ed25519: 'raw', 'ml-dsa-65': 'raw-public' }

/** The part of SubtleCrypto used here, typed loosely: 'raw-public' is not in TypeScript's DOM lib. */
type SubtleLike = {
  generateKey(algorithm: { name: string }, extractable: boolean, usages: string[]): Promise<unknown>
  exportKey(format: string, key: unknown): Promise<ArrayBuffer>
  importKey(
    format: string,
    data: Uint8Array,
    algorithm: { name: string },
    extractable: boolean,
    usages: string[],
  ): Promise<unknown>
  sign(algorithm: { name: string }, key: unknown, data: Uint8Array): Promise<ArrayBuffer>
  verify(algorithm: { name: string }, key: unknown, signature: Uint8Array, data: Uint8Array): Promise<boolean>
}

function getSubtle(): SubtleLike | undefined {
  return (globalThis as { crypto?: { subtle?: unknown } }).crypto?.subtle as SubtleLike | undefined
}

/** Imported public keys by algorithm and key bytes (a few keys are in use at a time). */
const importedKeys = new Map<string, Promise<unknown>>()
const IMPORTED_KEYS_MAX = 32

/** The cache key: the algorithm and the key bytes themselves (one char per byte), never a digest. */
function importKeyId(algorithm: AuditKeyAlgorithm, publicKey: Uint8Array): string {
  let id = `${algorithm}:`
  for (let i = 0; i < publicKey.length; i += 4096) {
    id += String.fromCharCode.apply(null, publicKey.subarray(i, i + 4096) as unknown as number[])
  }
  return id
}

/**
 * The hot path's cache: the imported key by the byte array the caller passed (the keys of a
 * verifier are parsed once and passed again for every checkpoint), with a copy of its bytes that
 * is compared on each use, so that an array changed in place is never answered for with the key
 * it held before. Building the byte-string id above costs more than the compare.
 */
const resolvedKeys = new WeakMap<Uint8Array, { algorithm: AuditKeyAlgorithm; bytes: Uint8Array; key: unknown }>()

function resolvedKey(algorithm: AuditKeyAlgorithm, publicKey: Uint8Array): unknown {
  const hit = resolvedKeys.get(publicKey)
  return hit && hit.algorithm === algorithm && bytesEqual(hit.bytes, publicKey) ? hit.key : undefined
}

function importPublicKey(subtle: SubtleLike, algorithm: AuditKeyAlgorithm, publicKey: Uint8Array): Promise<unknown> {
  const id = importKeyId(algorithm, publicKey)
  let key = importedKeys.get(id)
  if (!key) {
    const bytes = new Uint8Array(publicKey)
    key = subtle.importKey(PUBLIC_KEY_FORMATS[algorithm], bytes, WEBCRYPTO_PARAMS[algorithm], false, ['verify'])
    key.catch(() => importedKeys.delete(id)) // a refused key is not remembered
    if (importedKeys.size >= IMPORTED_KEYS_MAX) importedKeys.delete(importedKeys.keys().next().value as string)
    importedKeys.set(id, key)
  }
  const copy = new Uint8Array(publicKey)
  return key.then((imported) => {
    resolvedKeys.set(publicKey, { algorithm, bytes: copy, key: imported })
    return imported
  })
}

async function verifyWithWebCrypto(
  subtle: SubtleLike,
  algorithm: AuditKeyAlgorithm,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const key = await importPublicKey(subtle, algorithm, publicKey)
  return subtle.verify(WEBCRYPTO_PARAMS[algorithm], key, signature, message)
}

async function probeWebCrypto(algorithm: AuditKeyAlgorithm): Promise<boolean> {
  const subtle = getSubtle()
  if (!subtle) return false
  try {
    const params = { name: WEBCRYPTO_NAMES[algorithm] }
    const pair = (await subtle.generateKey(params, true, ['sign', 'verify'])) as {
      publicKey: unknown
      privateKey: unknown
    }
    const publicKey = new Uint8Array(await subtle.exportKey(PUBLIC_KEY_FORMATS[algorithm], pair.publicKey))
    const message = new TextEncoder().encode('tensorguardflow signature probe')
    const signature = new Uint8Array(await subtle.sign(params, pair.privateKey, message))
    const good = await verifyWithWebCrypto(subtle, algorithm, publicKey, message, signature)
    const bad = await verifyWithWebCrypto(subtle, algorithm, publicKey, message.subarray(1), signature)
    return good && !bad
  } catch {
    return false
  }
}

const probes = new Map<AuditKeyAlgorithm, Promise<boolean>>()
/** The probes' answers once known, read by the hot path without awaiting. */
const probed: Partial<Record<AuditKeyAlgorithm, boolean>> = {}
/** The SubtleCrypto a probe found working (read once: the lookup showed in the profile). */
let probedSubtle: SubtleLike | undefined

function hasWebCrypto(algorithm: AuditKeyAlgorithm): Promise<boolean> {
  let probe = probes.get(algorithm)
  if (!probe) {
    probe = probeWebCrypto(algorithm)
    const subtle = getSubtle()
    void probe.then((answer) => {
      probed[algorithm] = answer
      if (answer) probedSubtle = subtle
    })
    probes.set(algorithm, probe)
  }
  return probe
}

/** Which implementation verifies each algorithm in this runtime. */
export async function signatureBackends(): Promise<Record<AuditKeyAlgorithm, SignatureBackend>> {
  const [ed25519, mlDsa65] = await Promise.all([hasWebCrypto('ed25519'), hasWebCrypto('ml-dsa-65')])
  return { ed25519: ed25519 ? 'webcrypto' : 'noble', 'ml-dsa-65': mlDsa65 ? 'webcrypto' : 'noble' }
}

// Static imports on purpose: dynamic chunks do not survive every worker bundling format.
function verifyWithNoble(
  algorithm: AuditKeyAlgorithm,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (algorithm === 'ed25519') return ed25519.verify(signature, message, publicKey, { zip215: false })
  return ml_dsa65.verify(signature, message, publicKey)
}

/**
 * Verifies `signature` over `message` (Ed25519 per RFC 8032; ML-DSA-65 per FIPS 204 with an
 * empty context). Malformed keys or signatures verify as false; this never throws.
 */
export function verifySignature(
  algorithm: AuditKeyAlgorithm,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const sizes = KEY_SIZES[algorithm]
  if (publicKey.length !== sizes.publicKey || signature.length !== sizes.signature) return Promise.resolve(false)
  // The hot path (a verifier checking checkpoint after checkpoint): the backend known and the key
  // imported, so WebCrypto is called at once, without the awaits and the key's lookup below.
  const subtle = probedSubtle
  const key = subtle && probed[algorithm] === true ? resolvedKey(algorithm, publicKey) : undefined
  if (subtle && key !== undefined) {
    try {
      return subtle.verify(WEBCRYPTO_PARAMS[algorithm], key, signature, message).catch(() => false)
    } catch {
      return Promise.resolve(false)
    }
  }
  return verifyAnyway(algorithm, publicKey, message, signature)
}

async function verifyAnyway(
  algorithm: AuditKeyAlgorithm,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  try {
    const subtle = getSubtle()
    if (subtle && (await hasWebCrypto(algorithm))) {
      return await verifyWithWebCrypto(subtle, algorithm, publicKey, message, signature)
    }
    return verifyWithNoble(algorithm, publicKey, message, signature)
  } catch {
    return false
  }
}
