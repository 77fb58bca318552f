import { randomUUID } from 'node:crypto'
import { constants, createReadStream, createWriteStream } from 'node:fs'
import type { ReadStream, WriteStream } from 'node:fs'
import { access, mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'

/** An upload being written: bytes go to a temporary file that becomes a blob or disappears. */
export interface IncomingBlob {
  readonly path: string
  write(chunk: Uint8Array): Promise<void>
  /** Flushes and closes the file. */
  close(): Promise<void>
  /** Closes and deletes the file. Safe to call twice. */
  discard(): Promise<void>
}

/**
 * Content-addressed blob store on a local folder: `sha256/ab/<content id>`. Uploads are written
 * under `.incoming/` (same file system) and renamed into place, so a blob is either whole or absent.
 */
export interface BlobStore {
  incoming(): Promise<IncomingBlob>
  /** Moves a closed incoming file to its content address. */
  commit(incoming: IncomingBlob, contentId: string): Promise<void>
  remove(contentId: string): Promise<void>
  size(contentId: string): Promise<number | null>
  read(contentId: string, range?: { start: number; end: number }): ReadStream
  /**
   * Removes incoming files left by a process that stopped mid-upload: those not written to for
   * `idleMs` (a live upload touches its file all the time, also on another replica).
   */
  sweepIncoming(idleMs?: number): Promise<number>
  /** Throws when the store cannot take new blobs. */
  checkWritable(): Promise<void>
}

const CONTENT_ID = /^[0-9a-f]{64}$/

export function createLocalBlobStore(root: string): BlobStore {
  const incomingDir = join(root, '.incoming')
  const pathOf = (contentId: string) => {
    if (!CONTENT_ID.test(contentId)) throw new Error(`not a content id: ${contentId}`)
    return join(root, 'sha256', contentId.slice(0, 2), contentId)
  }

  return {
    async incoming() {
      await mkdir(incomingDir, { recursive: true })
      const path = join(incomingDir, `${randomUUID()}.part`)
      const stream: WriteStream = createWriteStream(path, { flags: 'wx', highWaterMark: 1024 * 1024 })
      let failure: Error | null = null
      stream.on('error', (err) => (failure = err))
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve())
        stream.once('error', reject)
      })
      let closed = false
      const close = () =>
        closed
          ? Promise.resolve()
          : new Promise<void>((resolve, reject) => {
              closed = true
              stream.end((err?: Error | null) => (err ? reject(err) : resolve()))
            })
      return {
        path,
        async write(chunk) {
          if (failure) throw failure
          if (!stream.write(chunk)) await new Promise<void>((resolve) => stream.once('drain', resolve))
          if (failure) throw failure
        },
        close,
        async discard() {
          await close().catch(() => undefined)
          await rm(path, { force: true })
        },
      }
    },

    async commit(incoming, contentId) {
      await incoming.close()
      const target = pathOf(contentId)
      await mkdir(join(target, '..'), { recursive: true })
      await rename(incoming.path, target)
    },

    async remove(contentId) {
      await rm(pathOf(contentId), { force: true })
    },

    async size(contentId) {
      try {
        return (await stat(pathOf(contentId))).size
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
        throw err
      }
    },

    read(contentId, range) {
      return createReadStream(pathOf(contentId), range ? { start: range.start, end: range.end } : {})
    },

    async checkWritable() {
      await mkdir(incomingDir, { recursive: true })
      await access(incomingDir, constants.W_OK)
    },

    async sweepIncoming(idleMs = 10 * 60_000) {
      const names = await readdir(incomingDir).catch(() => [] as string[])
      let removed = 0
      for (const name of names) {
        const path = join(incomingDir, name)
        const info = await stat(path).catch(() => null)
        if (!info || Date.now() - info.mtimeMs < idleMs) continue
        await rm(path, { force: true })
        removed++
      }
      return removed
    },
  }
}
