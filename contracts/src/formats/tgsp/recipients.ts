// Recipient entries: the 32-byte data key wrapped for each recipient with X25519 + ML-KEM-768.
// Wrapping key = SHA-256(X25519 shared secret || ML-KEM-768 shared secret); the wrapper is a
// ChaCha20-Poly1305 encryption of the data key under it (no associated data).
import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { x25519 } from '@noble/curves/ed25519.js'
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js'
import { concatBytes, fromHex, toHex } from './bytes'
import { TGSP_SIZES } from './constants'
import {
  defaultRandom,
  recipientIdOf,
  type EncryptionPublicKey,
  type EncryptionSecretKey,
  type RandomSource,
} from './keys'
import type { TgspRecipient } from './schemas'

/** Wraps `dataKey` for one recipient; every call draws a fresh ephemeral key, encapsulation and nonce. */
export function wrapDataKey(
  dataKey: Uint8Array,
  recipient: EncryptionPublicKey,
  random: RandomSource = defaultRandom,
): TgspRecipient {
  const ephemeral = random(TGSP_SIZES.x25519Key)
  const classicShared = x25519.getSharedSecret(ephemeral, fromHex(recipient.classic))
  const { cipherText, sharedSecret } = ml_kem768.encapsulate(fromHex(recipient.pqc), random(32))
  const wrappingKey = sha256(concatBytes(classicShared, sharedSecret))
  const nonce = random(TGSP_SIZES.wrapperNonce)
  return {
    recipient_id: recipientIdOf(recipient),
    encap: { ek_classic: toHex(x25519.getPublicKey(ephemeral)), ct_pqc: toHex(cipherText) },
    wrapper: { nonce: toHex(nonce), ct: toHex(chacha20poly1305(wrappingKey, nonce).encrypt(dataKey)) },
  }
}

/** The data key when `secretKey` opens this entry, otherwise null. */
export function unwrapDataKey(entry: TgspRecipient, secretKey: EncryptionSecretKey): Uint8Array | null {
  try {
    const classicShared = x25519.getSharedSecret(fromHex(secretKey.classic), fromHex(entry.encap.ek_classic))
    const pqcShared = ml_kem768.decapsulate(fromHex(entry.encap.ct_pqc), fromHex(secretKey.pqc))
    const wrappingKey = sha256(concatBytes(classicShared, pqcShared))
    const dataKey = chacha20poly1305(wrappingKey, fromHex(entry.wrapper.nonce)).decrypt(fromHex(entry.wrapper.ct))
    return dataKey.length === TGSP_SIZES.dataKey ? dataKey : null
  } catch {
    return null
  }
}

/** The data key from the first entry that `secretKey` opens, with that entry's index. */
export function findDataKey(
  recipients: readonly TgspRecipient[],
  secretKey: EncryptionSecretKey,
): { index: number; dataKey: Uint8Array } | null {
  for (const [index, entry] of recipients.entries()) {
    const dataKey = unwrapDataKey(entry, secretKey)
    if (dataKey) return { index, dataKey }
  }
  return null
}
