// `tgctl tgsp open`: the recipient's side. Finds the recipient entry this key opens, decrypts the
// payload chunk by chunk as the file streams by, and extracts the tar into a fresh temporary
// directory beside DIR. Links, absolute paths, '..' components and anything resolving outside are
// refused; DIR appears (by rename) only when every chunk, the hashes, both signatures and the
// manifest's content_index check out, so a refused package leaves nothing behind.
import { constants, createReadStream } from 'node:fs'
import { chmod, mkdir, mkdtemp, open, readdir, rename, rm, rmdir, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve, sep } from 'node:path'
import {
  TarEntryError,
  TgspOpenError,
  TgspStreamParser,
  checkContentIndex,
  checkSigner,
  createPayloadOpener,
  integrityProblem,
  toHex,
  type EncryptionSecretKey,
  type PayloadOpener,
  type Sha256Hasher,
  type TarReadEntry,
  type TrustedSigner,
} from '@tg/contracts/formats/tgsp'
import { nodeChunkCipher, nodeSha256 } from '../../lib/tgsp-crypto'

export interface OpenPackageOptions {
  file: string
  secretKey: EncryptionSecretKey
  outDir: string
  /** When given, the author key must also be one of these publishers. */
  signers?: readonly TrustedSigner[]
}

export interface OpenPackageResult {
  outDir: string
  files: number
  directories: number
  bytes: number
  recipientIndex: number
}

type Operation =
  { kind: 'entry'; entry: TarReadEntry } | { kind: 'data'; bytes: Uint8Array } | { kind: 'end'; entry: TarReadEntry }

const READ_CHUNK = 1024 * 1024
const WRITE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW

/** Applies tar events to the temporary directory, one entry at a time. */
class Extractor {
  readonly hashes = new Map<string, string>()
  files = 0
  directories = 0
  bytes = 0
  #handle: Awaited<ReturnType<typeof open>> | null = null
  #hash: Sha256Hasher | null = null

  constructor(readonly root: string) {}

  #target(path: string): string {
    const target = resolve(this.root, path)
    if (!target.startsWith(this.root + sep)) throw new TarEntryError(path, 'it resolves outside the target directory')
    return target
  }

  async apply(operation: Operation): Promise<void> {
    if (operation.kind === 'entry') {
      const { entry } = operation
      const target = this.#target(entry.path)
      if (entry.type === 'directory') {
        await mkdir(target, { recursive: true, mode: 0o755 })
        this.directories += 1
        return
      }
      await mkdir(dirname(target), { recursive: true, mode: 0o755 })
      this.#handle = await open(target, WRITE_FLAGS, entry.executable ? 0o755 : 0o644)
      this.#hash = nodeSha256()
    } else if (operation.kind === 'data') {
      this.#hash!.update(operation.bytes)
      await this.#handle!.write(operation.bytes)
      this.bytes += operation.bytes.length
    } else if (operation.entry.type === 'file') {
      await this.#handle!.close()
      this.#handle = null
      this.hashes.set(operation.entry.path, toHex(this.#hash!.digest()))
      this.files += 1
    }
  }

  async close(): Promise<void> {
    await this.#handle?.close().catch(() => undefined)
  }
}

async function assertEmptyOrAbsent(dir: string): Promise<boolean> {
  const info = await stat(dir).catch(() => null)
  if (!info) return false
  if (!info.isDirectory()) throw new Error(`${dir} exists and is not a directory.`)
  if ((await readdir(dir)).length > 0) throw new Error(`${dir} is not empty; open into a new or empty directory.`)
  return true
}

/** Opens `file` into `outDir` (which must be absent or empty); throws naming the problem otherwise. */
export async function openPackageFile(options: OpenPackageOptions): Promise<OpenPackageResult> {
  const outDir = resolve(options.outDir)
  const existed = await assertEmptyOrAbsent(outDir)
  await mkdir(dirname(outDir), { recursive: true })
  const staging = await mkdtemp(join(dirname(outDir), `.${basename(outDir)}.opening-`))
  const extractor = new Extractor(staging)
  try {
    let queue: Operation[] = []
    let opener: PayloadOpener | null = null
    const parser = new TgspStreamParser({
      maxPayloadBytes: Number.MAX_SAFE_INTEGER,
      totalBytes: (await stat(options.file)).size,
      createSha256: nodeSha256,
      onPayload: (piece, prelude) => {
        opener ??= createPayloadOpener(
          prelude,
          options.secretKey,
          {
            onEntry: (entry) => queue.push({ kind: 'entry', entry }),
            onData: (bytes) => queue.push({ kind: 'data', bytes: bytes.slice() }),
            onEntryEnd: (entry) => queue.push({ kind: 'end', entry }),
          },
          { cipher: nodeChunkCipher, createSha256: nodeSha256 },
        )
        opener.push(piece)
      },
    })
    const drain = async () => {
      const pending = queue
      queue = []
      for (const operation of pending) await extractor.apply(operation)
    }
    for await (const chunk of createReadStream(options.file, { highWaterMark: READ_CHUNK })) {
      parser.push(chunk as Buffer)
      await drain()
    }
    const parsed = parser.finish()
    const active = opener as PayloadOpener | null
    if (!active) throw new TgspOpenError('The payload is empty: there is nothing to open.')
    active.finish()
    await drain()
    const problem = integrityProblem(parsed) ?? checkContentIndex(parsed.manifest, extractor.hashes)
    if (problem) throw new TgspOpenError(`The package fails its integrity checks: ${problem}`)
    if (options.signers) {
      const signer = checkSigner(parsed, options.signers)
      if (!signer.ok) throw new TgspOpenError(signer.reason!)
    }
    await extractor.close()
    await chmod(staging, 0o755)
    if (existed) await rmdir(outDir)
    await rename(staging, outDir)
    const { files, directories, bytes } = extractor
    return { outDir, files, directories, bytes, recipientIndex: active.recipientIndex }
  } catch (error) {
    await extractor.close()
    await rm(staging, { recursive: true, force: true })
    throw error
  }
}
