// Test-only helpers: signing keys made with noble (the server signs with node:crypto / noble).
import { ed25519 } from '@noble/curves/ed25519.js'
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js'
import type { VerifierKey } from './note-keys'

export type TestSigner = { key: VerifierKey; sign: (message: Uint8Array) => Uint8Array }

export function makeEd25519Signer(name: string, secretKey = ed25519.utils.randomSecretKey()): TestSigner {
  const publicKey = ed25519.getPublicKey(secretKey)
  return { key: { name, algorithm: 'ed25519', publicKey }, sign: (message) => ed25519.sign(message, secretKey) }
}

export function makeMlDsa65Signer(name: string): TestSigner {
  const { secretKey, publicKey } = ml_dsa65.keygen()
  return { key: { name, algorithm: 'ml-dsa-65', publicKey }, sign: (message) => ml_dsa65.sign(message, secretKey) }
}

/** A signer whose signatures are corrupted (one bit flipped). */
export function breakSigner(signer: TestSigner): TestSigner {
  return {
    key: signer.key,
    sign: (message) => {
      const signature = signer.sign(message).slice()
      signature[10] = signature[10]! ^ 1
      return signature
    },
  }
}
