// Hybrid key pairs in the JSON shapes that `tgctl tgsp keygen` writes: signing (Ed25519 +
// ML-DSA-65, "Hybrid-Dilithium-v1") and encryption (X25519 + ML-KEM-768, "Hybrid-Kyber-v1").
import { ed25519, x25519 } from '@noble/curves/ed25519.js'
import { randomBytes } from '@noble/hashes/utils.js'
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js'
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js'
import { z } from 'zod'
import { concatBytes, fromHex, sha256Hex, toHex } from './bytes'
import { TGSP_KEM, TGSP_SIG, TGSP_SIZES } from './constants'
import { hexOf } from './schemas'

/** Source of random bytes; the default is the platform CSPRNG (crypto.getRandomValues). */
export type RandomSource = (length: number) => Uint8Array
export const defaultRandom: RandomSource = (length) => randomBytes(length)

export const SigningPublicKeySchema = z.object({
  alg: z.literal(TGSP_SIG),
  classic: hexOf(TGSP_SIZES.ed25519PublicKey),
  pqc: hexOf(TGSP_SIZES.mlDsa65PublicKey),
})
export type SigningPublicKey = z.infer<typeof SigningPublicKeySchema>

/** `classic` is the 32-byte Ed25519 seed, `pqc` the 4032-byte ML-DSA-65 secret key. */
export const SigningSecretKeySchema = z.object({
  alg: z.literal(TGSP_SIG),
  classic: hexOf(TGSP_SIZES.ed25519SecretKey),
  pqc: hexOf(TGSP_SIZES.mlDsa65SecretKey),
})
export type SigningSecretKey = z.infer<typeof SigningSecretKeySchema>

export const EncryptionPublicKeySchema = z.object({
  alg: z.literal(TGSP_KEM),
  classic: hexOf(TGSP_SIZES.x25519Key),
  pqc: hexOf(TGSP_SIZES.mlKem768PublicKey),
})
export type EncryptionPublicKey = z.infer<typeof EncryptionPublicKeySchema>

export const EncryptionSecretKeySchema = z.object({
  alg: z.literal(TGSP_KEM),
  classic: hexOf(TGSP_SIZES.x25519Key),
  pqc: hexOf(TGSP_SIZES.mlKem768SecretKey),
})
export type EncryptionSecretKey = z.infer<typeof EncryptionSecretKeySchema>

export function generateSigningKeyPair(random: RandomSource = defaultRandom): {
  publicKey: SigningPublicKey
  secretKey: SigningSecretKey
} {
  const seed = random(32)
  const pqc = ml_dsa65.keygen(random(32))
  return {
    publicKey: { alg: TGSP_SIG, classic: toHex(ed25519.getPublicKey(seed)), pqc: toHex(pqc.publicKey) },
    secretKey: { alg: TGSP_SIG, classic: toHex(seed), pqc: toHex(pqc.secretKey) },
  }
}

export function generateEncryptionKeyPair(random: RandomSource = defaultRandom): {
  publicKey: EncryptionPublicKey
  secretKey: EncryptionSecretKey
} {
  const classic = random(32)
  const pqc = ml_kem768.keygen(random(64))
  return {
    publicKey: { alg: TGSP_KEM, classic: toHex(x25519.getPublicKey(classic)), pqc: toHex(pqc.publicKey) },
    secretKey: { alg: TGSP_KEM, classic: toHex(classic), pqc: toHex(pqc.secretKey) },
  }
}

/** Hex SHA-256(classic key bytes || pqc key bytes): the fingerprint people compare out of band. */
export function publisherFingerprint(classicHex: string, pqcHex: string): string {
  return sha256Hex(concatBytes(fromHex(classicHex), fromHex(pqcHex)))
}

/** The signature block's `key_id`: the first 16 hex characters of the publisher fingerprint. */
export function signingKeyId(publicKey: SigningPublicKey): string {
  return publisherFingerprint(publicKey.classic, publicKey.pqc).slice(0, 16)
}

/** A recipient's `recipient_id`: the first 16 hex characters of SHA-256(X25519 key || ML-KEM key). */
export function recipientIdOf(publicKey: EncryptionPublicKey): string {
  return publisherFingerprint(publicKey.classic, publicKey.pqc).slice(0, 16)
}

/** Both signatures over `message` (hedged ML-DSA: `random` supplies its 32 extra bytes). */
export function signHybrid(
  message: Uint8Array,
  secretKey: SigningSecretKey,
  random: RandomSource = defaultRandom,
): { sig_classic: string; sig_pqc: string } {
  return {
    sig_classic: toHex(ed25519.sign(message, fromHex(secretKey.classic))),
    sig_pqc: toHex(ml_dsa65.sign(message, fromHex(secretKey.pqc), { extraEntropy: random(32) })),
  }
}

/** True when `secretKey` signs messages that verify under `publicKey` (both halves). */
export function isSigningKeyPair(publicKey: SigningPublicKey, secretKey: SigningSecretKey): boolean {
  const message = new TextEncoder().encode('tgsp signing key pair check')
  const signature = signHybrid(message, secretKey)
  return (
    ed25519.verify(fromHex(signature.sig_classic), message, fromHex(publicKey.classic)) &&
    ml_dsa65.verify(fromHex(signature.sig_pqc), message, fromHex(publicKey.pqc))
  )
}
