// Shared test material: keys made once per test file, and a small package built from them.
import { buildTgspBytes, type BuildTgspBytesOptions } from './build'
import { concatBytes, sha256Hex } from './bytes'
import type { TrustedSigner } from './checks'
import { TGSP_MAGIC } from './constants'
import { encodeCanonicalJson } from './json'
import {
  generateEncryptionKeyPair,
  generateSigningKeyPair,
  publisherFingerprint,
  signHybrid,
  signingKeyId,
  type RandomSource,
  type SigningPublicKey,
  type SigningSecretKey,
} from './keys'

export const signing = generateSigningKeyPair()
export const otherSigning = generateSigningKeyPair()
export const recipient = generateEncryptionKeyPair()
export const otherRecipient = generateEncryptionKeyPair()

export function signerOf(pub: { classic: string; pqc: string }, name = 'Acme Models', revoked = false): TrustedSigner {
  return { id: publisherFingerprint(pub.classic, pub.pqc), name, classic: pub.classic, pqc: pub.pqc, revoked }
}

export const TRUSTED: TrustedSigner[] = [signerOf(signing.publicKey)]

const encoder = new TextEncoder()

export const FILES = [
  { path: 'adapter_config.json', data: encoder.encode('{"r":8,"lora_alpha":16}') },
  { path: 'weights/adapter_model.safetensors', data: Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) % 251) },
  { path: 'README.md', data: encoder.encode('# Adapter\nÜnïcödé name kept as is.\n') },
]

/** Deterministic byte source for tests that need identical output across builds. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0
  return (length) => {
    const out = new Uint8Array(length)
    for (let i = 0; i < length; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0
      out[i] = state >>> 24
    }
    return out
  }
}

export function buildSample(overrides: Partial<BuildTgspBytesOptions> = {}): Uint8Array {
  return buildTgspBytes({
    files: FILES,
    modelName: 'llama-3-8b-lora',
    modelVersion: '1.2.0',
    recipients: [recipient.publicKey],
    signingKey: signing.secretKey,
    signingPub: signing.publicKey,
    baseModels: ['meta-llama/Meta-Llama-3-8B'],
    packageId: '0123456789abcdef',
    createdAt: 1_700_000_000,
    ...overrides,
  })
}

/** The five sections of a package as raw bytes (framing removed), for tests that tamper with them. */
export interface RawParts {
  header: Uint8Array
  manifest: Uint8Array
  recipients: Uint8Array
  payload: Uint8Array
  signature: Uint8Array
}

export function splitParts(bytes: Uint8Array): RawParts {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let offset = 6
  const take = (size: 4 | 8) => {
    const length = size === 4 ? view.getUint32(offset) : Number(view.getBigUint64(offset))
    offset += size
    const part = bytes.slice(offset, offset + length)
    offset += length
    return part
  }
  return { header: take(4), manifest: take(4), recipients: take(4), payload: take(8), signature: take(4) }
}

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, n)
  return out
}

function u64(n: bigint): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, n)
  return out
}

/** Frames parts back into a package; `lengths` overrides a declared length without changing the bytes. */
export function joinParts(
  parts: RawParts,
  options: { magic?: Uint8Array; lengths?: Partial<Record<keyof RawParts, number | bigint>> } = {},
): Uint8Array {
  const lengthOf = (name: keyof RawParts) => options.lengths?.[name] ?? parts[name].length
  const chunks = [
    options.magic ?? TGSP_MAGIC,
    u32(Number(lengthOf('header'))),
    parts.header,
    u32(Number(lengthOf('manifest'))),
    parts.manifest,
    u32(Number(lengthOf('recipients'))),
    parts.recipients,
    u64(BigInt(lengthOf('payload'))),
    parts.payload,
    u32(Number(lengthOf('signature'))),
    parts.signature,
  ]
  return concatBytes(...chunks)
}

export function decodeJson(bytes: Uint8Array): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>
}

/** Re-encodes a JSON section after `edit` changed its parsed value. */
export function editJson(bytes: Uint8Array, edit: (value: Record<string, unknown>) => unknown): Uint8Array {
  const value = decodeJson(bytes)
  const result = edit(value)
  return encodeCanonicalJson(result === undefined ? value : result)
}

/** Recomputes the header hashes from the parts and signs again: a well-formed package around the tampering. */
export function resign(
  parts: RawParts,
  key: { publicKey: SigningPublicKey; secretKey: SigningSecretKey } = signing,
  options: { keepHashes?: boolean } = {},
): RawParts {
  const header = options.keepHashes
    ? parts.header
    : editJson(parts.header, (h) => {
        h.hashes = {
          manifest: sha256Hex(parts.manifest),
          recipients: sha256Hex(parts.recipients),
          payload: sha256Hex(parts.payload),
        }
      })
  const message = concatBytes(header, parts.manifest, parts.recipients)
  const signature = encodeCanonicalJson({
    key_id: signingKeyId(key.publicKey),
    signature: signHybrid(message, key.secretKey),
  })
  return { ...parts, header, signature }
}
