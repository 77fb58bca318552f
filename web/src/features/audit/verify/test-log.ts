// For unit tests only: a real audit log built with the contracts' format functions, real
// Ed25519 and ML-DSA-65 keys (noble), real checkpoints, inclusion and consistency proofs.
import { ed25519 } from '@noble/curves/ed25519.js'
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js'
import type { AuditCheckpoint, AuditKeys } from '@tg/contracts'
import {
  canonicalEntryText,
  consistencyProofRanges,
  formatCheckpointBody,
  formatVerifierKey,
  hashRange,
  inclusionProofRanges,
  keyIdOf,
  leafHash,
  merkleRoot,
  sha256,
  signNoteBody,
  toBase64,
  toHex,
} from '@tg/contracts/formats/audit'
import type { AuditEntryBody, NoteSigner, VerifierKey } from '@tg/contracts/formats/audit'
import type { RowInput } from './types'

export const ORIGIN = 'tensorguardflow.test/audit'

export type TestKeyPair = { ed25519: NoteSigner; mlDsa65: NoteSigner }

export function makeKeyPair(name = ORIGIN): TestKeyPair {
  const edSecret = ed25519.utils.randomSecretKey()
  const edKey: VerifierKey = { name, algorithm: 'ed25519', publicKey: ed25519.getPublicKey(edSecret) }
  const ml = ml_dsa65.keygen()
  const mlKey: VerifierKey = { name, algorithm: 'ml-dsa-65', publicKey: ml.publicKey }
  return {
    ed25519: { key: edKey, sign: (message) => ed25519.sign(message, edSecret) },
    mlDsa65: { key: mlKey, sign: (message) => ml_dsa65.sign(message, ml.secretKey) },
  }
}

/** A signer whose signatures have one bit flipped. */
export function corrupt(signer: NoteSigner): NoteSigner {
  return {
    key: signer.key,
    sign: async (message) => {
      const signature = (await signer.sign(message)).slice()
      signature[7] = signature[7]! ^ 1
      return signature
    },
  }
}

const encoder = new TextEncoder()

export function entryBody(seq: number, prevHash: string | null, actor = 'admin'): AuditEntryBody {
  return {
    seq,
    time: new Date(Date.UTC(2026, 10, 23, 12, 0, seq)).toISOString(),
    actor: { type: 'user', id: `user-${actor}`, name: actor },
    action: 'auth.sign_in',
    resource: { type: 'user', id: `user-${actor}` },
    outcome: 'success',
    requestId: `request-${seq}`,
    clientIp: '127.0.0.1',
    details: { attempt: seq },
    prevHash,
  }
}

/** A log of `count` chained entries; `edit` may change an entry's body before it is hashed. */
export class TestLog {
  readonly canonicals: string[] = []
  readonly leaves: Uint8Array[] = []

  constructor(count: number, edit?: (body: AuditEntryBody) => AuditEntryBody) {
    for (let seq = 0; seq < count; seq++) {
      const previous = this.leaves[seq - 1]
      const body = entryBody(seq, previous ? toHex(previous) : null)
      const text = canonicalEntryText(edit ? edit(body) : body)
      this.canonicals.push(text)
      this.leaves.push(leafHash(encoder.encode(text)))
    }
  }

  root(size: number): Uint8Array {
    return merkleRoot(this.leaves.slice(0, size))
  }

  #node = (level: number, index: number) => merkleRoot(this.leaves.slice(index * 2 ** level, (index + 1) * 2 ** level))

  inclusion(seq: number, size: number): string[] {
    return inclusionProofRanges(seq, size).map((range) => toHex(hashRange(range, this.#node)))
  }

  consistency(from: number, to: number): string[] {
    return consistencyProofRanges(from, to).map((range) => toHex(hashRange(range, this.#node)))
  }

  /** Rows as the entries endpoint returns them, proven against checkpoint `size` (null above it). */
  rows(seqs: readonly number[], size: number): RowInput[] {
    return seqs.map((seq) => ({
      seq,
      canonical: this.canonicals[seq]!,
      proof: seq < size ? { treeSize: size, hashes: this.inclusion(seq, size) } : null,
    }))
  }

  async checkpoint(size: number, signers: readonly NoteSigner[], origin = ORIGIN): Promise<AuditCheckpoint> {
    const rootHash = this.root(size)
    const body = formatCheckpointBody({ origin, treeSize: size, rootHash, extensions: [] })
    return {
      treeSize: size,
      rootHash: toBase64(rootHash),
      note: await signNoteBody(body, signers),
      createdAt: '2026-11-23T12:30:00.000Z',
    }
  }
}

export const signersOf = (pair: TestKeyPair): NoteSigner[] => [pair.ed25519, pair.mlDsa65]

/** The keys endpoint's answer for these key pairs (the first pair active, the others retired). */
export function keysResponse(pairs: readonly TestKeyPair[], pinned: string[] = [], origin = ORIGIN): AuditKeys {
  return {
    origin,
    pinned,
    canRotate: false,
    keys: pairs.flatMap((pair, i) =>
      [pair.ed25519.key, pair.mlDsa65.key].map((key) => ({
        id: crypto.randomUUID(),
        name: key.name,
        algorithm: key.algorithm,
        keyId: toHex(keyIdOf(key)),
        publicKey: toBase64(key.publicKey),
        verifierKey: formatVerifierKey(key),
        fingerprint: toHex(sha256(key.publicKey)),
        status: i === 0 ? ('active' as const) : ('retired' as const),
        createdAt: '2026-11-23T12:00:00.000Z',
        retiredAt: i === 0 ? null : '2026-11-23T12:10:00.000Z',
      })),
    ),
  }
}

export const verifierKeysOf = (pair: TestKeyPair): string[] => [
  formatVerifierKey(pair.ed25519.key),
  formatVerifierKey(pair.mlDsa65.key),
]
