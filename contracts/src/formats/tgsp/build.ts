// Writing TGSP v1: the manifest, recipients, header and signature block, section framing, and an
// in-memory builder for small packages. Streaming writers (tgctl) use the same pieces.
import { concatBytes, sha256Hex, toHex, u32be, u64be } from './bytes'
import { TGSP_CIPHER, TGSP_KEM, TGSP_MAGIC, TGSP_SIG, TGSP_SIZES, TGSP_VERSION } from './constants'
import { encodeCanonicalJson } from './json'
import {
  defaultRandom,
  signHybrid,
  signingKeyId,
  type EncryptionPublicKey,
  type RandomSource,
  type SigningPublicKey,
  type SigningSecretKey,
} from './keys'
import { PayloadEncryptor, type ChunkCipher } from './payload'
import { wrapDataKey } from './recipients'
import type { TgspContentEntry, TgspHeader, TgspManifest, TgspRecipient, TgspSignatureBlock } from './schemas'
import { buildTar, compareTarPaths, normalizeTarPath } from './tar'

/** u32 big-endian length followed by the section bytes. */
export function frameSection(bytes: Uint8Array): Uint8Array {
  return concatBytes(u32be(bytes.length), bytes)
}

/** The u64 big-endian payload length field. */
export function framePayloadLength(length: number): Uint8Array {
  return u64be(length)
}

export interface TgspManifestInput {
  packageId: string
  modelName: string
  modelVersion: string
  signingPub: SigningPublicKey
  contentIndex: TgspContentEntry[]
  createdAt: number
  baseModels?: string[]
  authorId?: string
  buildInfo?: Record<string, unknown>
  policyConstraints?: Record<string, unknown>
  /** Merged last: extra fields (a `privacy` object, for example); may override any field. */
  manifestExtra?: Record<string, unknown>
}

/** The manifest object; `payload_hash` is "pending" because the chunk AAD binds the manifest hash. */
export function createManifest(input: TgspManifestInput): TgspManifest {
  const contentIndex = [...input.contentIndex].sort((a, b) => compareTarPaths(a.path, b.path))
  return {
    tgsp_version: TGSP_VERSION,
    package_id: input.packageId,
    model_name: input.modelName,
    model_version: input.modelVersion,
    author_id: input.authorId ?? signingKeyId(input.signingPub),
    created_at: input.createdAt,
    payload_hash: 'pending',
    content_index: contentIndex,
    policy_constraints: input.policyConstraints ?? {},
    build_info: input.buildInfo ?? { tool: 'tgctl', chunk_size: 4 * 1024 * 1024 },
    compat_base_model_id: input.baseModels ?? [],
    author_pubkey: { classic: input.signingPub.classic, pqc: input.signingPub.pqc, alg: TGSP_SIG },
    ...input.manifestExtra,
  } as TgspManifest
}

export interface TgspPreparedSections {
  manifestBytes: Uint8Array
  recipientsBytes: Uint8Array
  manifestHash: string
  recipientsHash: string
  dataKey: Uint8Array
  nonceBase: Uint8Array
}

/** Draws the data key and nonce base, wraps the key for every recipient and encodes both sections. */
export function prepareSections(
  manifest: TgspManifest,
  recipients: readonly EncryptionPublicKey[],
  random: RandomSource = defaultRandom,
): TgspPreparedSections {
  if (recipients.length === 0) throw new Error('A TGSP package needs at least one recipient.')
  const dataKey = random(TGSP_SIZES.dataKey)
  const nonceBase = random(TGSP_SIZES.nonceBase)
  const entries: TgspRecipient[] = recipients.map((r) => wrapDataKey(dataKey, r, random))
  const manifestBytes = encodeCanonicalJson(manifest)
  const recipientsBytes = encodeCanonicalJson(entries)
  return {
    manifestBytes,
    recipientsBytes,
    manifestHash: sha256Hex(manifestBytes),
    recipientsHash: sha256Hex(recipientsBytes),
    dataKey,
    nonceBase,
  }
}

/** Header bytes for the given hashes; its length does not depend on their values. */
export function encodeHeader(prepared: TgspPreparedSections, payloadHash: string): Uint8Array {
  const header: TgspHeader = {
    tgsp_version: TGSP_VERSION,
    hashes: { manifest: prepared.manifestHash, recipients: prepared.recipientsHash, payload: payloadHash },
    crypto: { nonce_base: toHex(prepared.nonceBase), alg: TGSP_CIPHER, kem: TGSP_KEM, sig: TGSP_SIG },
  }
  return encodeCanonicalJson(header)
}

/** The signature block over header || manifest || recipients. */
export function encodeSignatureBlock(
  headerBytes: Uint8Array,
  prepared: TgspPreparedSections,
  signingKey: SigningSecretKey,
  signingPub: SigningPublicKey,
  random: RandomSource = defaultRandom,
): Uint8Array {
  const message = concatBytes(headerBytes, prepared.manifestBytes, prepared.recipientsBytes)
  const block: TgspSignatureBlock = {
    key_id: signingKeyId(signingPub),
    signature: signHybrid(message, signingKey, random),
  }
  return encodeCanonicalJson(block)
}

/** Magic, framed header, manifest and recipients, and the payload length field: everything before the payload. */
export function encodePrelude(headerBytes: Uint8Array, prepared: TgspPreparedSections, payloadLength: number) {
  return concatBytes(
    TGSP_MAGIC,
    frameSection(headerBytes),
    frameSection(prepared.manifestBytes),
    frameSection(prepared.recipientsBytes),
    framePayloadLength(payloadLength),
  )
}

export interface BuildTgspBytesOptions {
  files: { path: string; data: Uint8Array; executable?: boolean }[]
  modelName: string
  modelVersion: string
  recipients: EncryptionPublicKey[]
  signingKey: SigningSecretKey
  signingPub: SigningPublicKey
  baseModels?: string[]
  authorId?: string
  manifestExtra?: Record<string, unknown>
  /** 16 hex characters; random when absent. */
  packageId?: string
  /** Unix seconds; now when absent. */
  createdAt?: number
  /** Randomness of the data key, nonces, encapsulations and hedged ML-DSA; the CSPRNG when absent. */
  random?: RandomSource
  cipher?: ChunkCipher
}

/** A complete TGSP package in memory: for small packages and tests (tgctl streams large ones). */
export function buildTgspBytes(options: BuildTgspBytesOptions): Uint8Array {
  const { files, ...rest } = options
  return sealTgspBytes({
    ...rest,
    plaintext: buildTar(files),
    contentIndex: files.map((f) => ({ path: normalizeTarPath(f.path), sha256: sha256Hex(f.data) })),
  })
}

/**
 * A package around a given plaintext (normally the tar of the files listed in `contentIndex`):
 * lets tests wrap archives that `buildTar` would never write.
 */
export function sealTgspBytes(
  options: Omit<BuildTgspBytesOptions, 'files'> & { plaintext: Uint8Array; contentIndex: TgspContentEntry[] },
): Uint8Array {
  const random = options.random ?? defaultRandom
  const manifest = createManifest({
    packageId: options.packageId ?? toHex(random(8)),
    modelName: options.modelName,
    modelVersion: options.modelVersion,
    signingPub: options.signingPub,
    contentIndex: options.contentIndex,
    createdAt: options.createdAt ?? Math.floor(Date.now() / 1000),
    baseModels: options.baseModels,
    authorId: options.authorId,
    manifestExtra: options.manifestExtra,
  })
  const prepared = prepareSections(manifest, options.recipients, random)
  const encryptor = new PayloadEncryptor({ ...prepared, cipher: options.cipher })
  const payload = concatBytes(...encryptor.push(options.plaintext), ...encryptor.finish())
  const headerBytes = encodeHeader(prepared, sha256Hex(payload))
  const signature = encodeSignatureBlock(headerBytes, prepared, options.signingKey, options.signingPub, random)
  return concatBytes(encodePrelude(headerBytes, prepared, payload.length), payload, frameSection(signature))
}
