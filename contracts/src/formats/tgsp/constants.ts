// TGSP v1 constants (see TGSP.md): magic, caps, algorithm names and sizes.

/** ASCII `TGSP` followed by the version bytes 0x01 0x00. */
export const TGSP_MAGIC: Uint8Array = new Uint8Array([0x54, 0x47, 0x53, 0x50, 0x01, 0x00])

/** Header, manifest, recipients and signature sections are each at most 1 MiB. */
export const TGSP_SECTION_CAP = 1024 * 1024

/** Plaintext bytes per encrypted payload chunk (the last chunk may be shorter). */
export const TGSP_CHUNK_SIZE = 4 * 1024 * 1024

/** The Poly1305 tag that follows each chunk's ciphertext. */
export const TGSP_TAG_BYTES = 16

/** Each chunk frame: u32 plaintext length, then ciphertext and tag. */
export const TGSP_CHUNK_OVERHEAD = 4 + TGSP_TAG_BYTES

export const TGSP_VERSION = '1.0'
export const TGSP_CIPHER = 'CHACHA20_POLY1305'
export const TGSP_KEM = 'Hybrid-Kyber-v1'
export const TGSP_SIG = 'Hybrid-Dilithium-v1'

/** Byte sizes of the keys, ciphertexts and signatures carried in TGSP sections. */
export const TGSP_SIZES = {
  nonceBase: 12,
  dataKey: 32,
  ed25519PublicKey: 32,
  ed25519SecretKey: 32,
  ed25519Signature: 64,
  mlDsa65PublicKey: 1952,
  mlDsa65SecretKey: 4032,
  mlDsa65Signature: 3309,
  /** Pre-standard (round 3) Dilithium3 signatures: not ML-DSA-65. */
  dilithium3Signature: 3293,
  x25519Key: 32,
  mlKem768PublicKey: 1184,
  mlKem768SecretKey: 2400,
  mlKem768Ciphertext: 1088,
  wrapperNonce: 12,
  wrappedKey: 32 + 16,
} as const

/** Domain prefix of the content id: SHA-256('tgsp-content-v1' || five section digests). */
export const TGSP_CONTENT_ID_DOMAIN = 'tgsp-content-v1'
