// `tgctl tgsp build`: streams a directory into a TGSP v1 package. Pass 1 hashes the files for the
// manifest's content_index; pass 2 tars, encrypts (4 MiB chunks) and writes the payload straight
// into the output, then fills in the fixed-length header and appends the signature block. Memory
// stays at a few chunks whatever the input size.
//
// Random per build (so two builds differ even with the same inputs, keys, package id and
// created-at): the data key, crypto.nonce_base, every recipient's ek_classic, ct_pqc and wrapper
// nonce and ct, hence the payload bytes, the header hashes of recipients and payload, and the
// hedged ML-DSA-65 signature. Everything else, the tar plaintext and the manifest bytes included,
// is a function of the inputs.
import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { access, open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import {
  PayloadEncryptor,
  TAR_END_LENGTH,
  createManifest,
  defaultRandom,
  encodeHeader,
  encodePrelude,
  encodeSignatureBlock,
  encryptedPayloadLength,
  frameSection,
  isSigningKeyPair,
  prepareSections,
  tarHeader,
  tarLength,
  tarPaddingLength,
  toHex,
  type EncryptionPublicKey,
  type RandomSource,
  type SigningPublicKey,
  type SigningSecretKey,
} from '@tg/contracts/formats/tgsp'
import { nodeChunkCipher, nodeSha256 } from '../../lib/tgsp-crypto'
import { collectInputEntries, type InputEntry } from './walk'

export interface BuildPackageOptions {
  inputDir: string
  out: string
  modelName: string
  modelVersion: string
  recipients: EncryptionPublicKey[]
  signingKey: SigningSecretKey
  signingPub: SigningPublicKey
  baseModels?: string[]
  /** 16 hex characters; random when absent. */
  packageId?: string
  /** Unix seconds; now when absent. */
  createdAt?: number
  authorId?: string
  manifestExtra?: Record<string, unknown>
  /** The source of every random byte; the CSPRNG when absent. */
  random?: RandomSource
}

const READ_CHUNK = 1024 * 1024

async function hashFile(file: string): Promise<string> {
  const hash = nodeSha256()
  for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK })) hash.update(chunk as Buffer)
  return toHex(hash.digest())
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  )
}

/** Builds `options.out`; refuses to overwrite it. Returns its path and size. */
export async function buildPackageFile(options: BuildPackageOptions): Promise<{ file: string; bytes: number }> {
  const random = options.random ?? defaultRandom
  const out = resolve(options.out)
  if (await exists(out)) throw new Error(`${out} already exists; refusing to overwrite it.`)
  if (options.recipients.length === 0) throw new Error('Name at least one recipient public key.')
  if (options.packageId !== undefined && !/^[0-9a-f]{16}$/.test(options.packageId)) {
    throw new Error('The package id must be 16 lowercase hex characters.')
  }
  if (!isSigningKeyPair(options.signingPub, options.signingKey)) {
    throw new Error('The signing key does not belong to the signing public key.')
  }

  const entries = await collectInputEntries(options.inputDir)
  const files = entries.filter((e) => e.type === 'file')
  const hashes = new Map<string, string>()
  for (const file of files) hashes.set(file.path, await hashFile(file.source))

  const manifest = createManifest({
    packageId: options.packageId ?? toHex(random(8)),
    modelName: options.modelName,
    modelVersion: options.modelVersion,
    signingPub: options.signingPub,
    contentIndex: files.map((f) => ({ path: f.path, sha256: hashes.get(f.path)! })),
    createdAt: options.createdAt ?? Math.floor(Date.now() / 1000),
    baseModels: options.baseModels,
    authorId: options.authorId,
    manifestExtra: options.manifestExtra,
  })
  const prepared = prepareSections(manifest, options.recipients, random)
  const payloadLength = encryptedPayloadLength(tarLength(entries))
  const placeholder = encodeHeader(prepared, '0'.repeat(64))

  const partial = join(dirname(out), `.${basename(out)}.partial-${randomBytes(6).toString('hex')}`)
  const handle = await open(partial, 'wx', 0o644)
  try {
    const prelude = encodePrelude(placeholder, prepared, payloadLength)
    await handle.write(prelude)
    const payloadHash = await writePayload(handle, entries, hashes, prepared, payloadLength)
    const header = encodeHeader(prepared, payloadHash)
    if (header.length !== placeholder.length) throw new Error('internal error: the header changed length')
    await handle.write(header, 0, header.length, 10)
    const signature = encodeSignatureBlock(header, prepared, options.signingKey, options.signingPub, random)
    const tail = frameSection(signature)
    await handle.write(tail, 0, tail.length, prelude.length + payloadLength)
    await handle.sync()
    await handle.close()
    if (await exists(out)) throw new Error(`${out} appeared while building; refusing to overwrite it.`)
    await rename(partial, out)
    return { file: out, bytes: prelude.length + payloadLength + tail.length }
  } catch (error) {
    await handle.close().catch(() => undefined)
    await rm(partial, { force: true })
    throw error
  }
}

type FileHandle = Awaited<ReturnType<typeof open>>

/** Pass 2: tar → 4 MiB chunks → ChaCha20-Poly1305 → the file, hashing what is written. */
async function writePayload(
  handle: FileHandle,
  entries: InputEntry[],
  hashes: Map<string, string>,
  prepared: ReturnType<typeof prepareSections>,
  payloadLength: number,
): Promise<string> {
  const encryptor = new PayloadEncryptor({ ...prepared, cipher: nodeChunkCipher, createSha256: nodeSha256 })
  const payloadHash = nodeSha256()
  let written = 0
  const emit = async (frames: Uint8Array[]) => {
    for (const frame of frames) {
      payloadHash.update(frame)
      await handle.write(frame)
      written += frame.length
    }
  }
  for (const entry of entries) {
    await emit(encryptor.push(tarHeader(entry)))
    if (entry.type !== 'file') continue
    const fileHash = nodeSha256()
    let size = 0
    for await (const chunk of createReadStream(entry.source, { highWaterMark: READ_CHUNK })) {
      const bytes = chunk as Buffer
      size += bytes.length
      if (size > entry.size) break
      fileHash.update(bytes)
      await emit(encryptor.push(bytes))
    }
    if (size !== entry.size || toHex(fileHash.digest()) !== hashes.get(entry.path)) {
      throw new Error(`${entry.path} changed while the package was being built; build again.`)
    }
    await emit(encryptor.push(new Uint8Array(tarPaddingLength(entry.size))))
  }
  await emit(encryptor.push(new Uint8Array(TAR_END_LENGTH)))
  await emit(encryptor.finish())
  if (written !== payloadLength) throw new Error('internal error: the payload length differs from the plan')
  return toHex(payloadHash.digest())
}
