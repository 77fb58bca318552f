import { randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import type { ReadStream } from 'node:fs'
import { mkdir, readdir, rename, rm, stat, statfs } from 'node:fs/promises'
import { join } from 'node:path'
import { storing } from './blob-errors'
import { openIncomingFile } from './incoming-file'
import type { IncomingBlob, StreamFs } from './incoming-file'

export type { IncomingBlob } from './incoming-file'

/** A temporary file removed by the sweep. */
export type SweptFile = { name: string; bytes: number; idleSeconds: number }

/**
 * Content-addressed blob store on a local folder: `sha256/ab/<content id>`. Uploads are written
 * under `.incoming/` (same file system) and renamed into place, so a blob is either whole or absent.
 * File-system failures of writing surface as BlobStoreError (see blob-errors.ts).
 */
export interface BlobStore {
  incoming(): Promise<IncomingBlob>
  /** Moves a closed incoming file to its content address. */
  commit(incoming: IncomingBlob, contentId: string): Promise<void>
  remove(contentId: string): Promise<void>
  size(contentId: string): Promise<number | null>
  read(contentId: string, range?: { start: number; end: number }): ReadStream
  /**
   * Removes incoming files not written to for `idleMs` (a live upload touches its file whenever
   * bytes arrive, also on another replica): leftovers of a process that stopped mid-upload.
   */
  sweepIncoming(idleMs: number): Promise<SweptFile[]>
  /** Creates, writes, flushes and removes a small file: rejects with BlobStoreError when the store cannot take new blobs. */
  probe(): Promise<void>
  /** Free bytes (for this process) and total bytes of the store's file system. */
  space(): Promise<{ freeBytes: number; totalBytes: number }>
}

const CONTENT_ID = /^[0-9a-f]{64}$/

/** `streamFs` replaces the file-system calls under the incoming files' write streams (fault injection in tests). */
export function createLocalBlobStore(root: string, options: { streamFs?: StreamFs } = {}): BlobStore {
  const incomingDir = join(root, '.incoming')
  const pathOf = (contentId: string) => {
    if (!CONTENT_ID.test(contentId)) throw new Error(`not a content id: ${contentId}`)
    return join(root, 'sha256', contentId.slice(0, 2), contentId)
  }
  const newIncoming = async (suffix: string) => {
    await storing(() => mkdir(incomingDir, { recursive: true }))
    return openIncomingFile(join(incomingDir, `${randomUUID()}${suffix}`), options.streamFs)
  }

  return {
    incoming: () => newIncoming('.part'),

    async commit(incoming, contentId) {
      await incoming.close()
      const target = pathOf(contentId)
      await storing(async () => {
        await mkdir(join(target, '..'), { recursive: true })
        await rename(incoming.path, target)
      })
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

    async probe() {
      const file = await newIncoming('.probe')
      try {
        await file.write(new TextEncoder().encode('probe\n'))
        await file.close()
      } finally {
        await file.discard()
      }
    },

    async space() {
      // The folder appears with the first upload; measure the file system it will be on.
      const info = await storing(async () => {
        await mkdir(root, { recursive: true })
        return statfs(root)
      })
      return { freeBytes: info.bavail * info.bsize, totalBytes: info.blocks * info.bsize }
    },

    async sweepIncoming(idleMs) {
      const names = await readdir(incomingDir).catch(() => [] as string[])
      const removed: SweptFile[] = []
      for (const name of names) {
        const path = join(incomingDir, name)
        const info = await stat(path).catch(() => null)
        const idle = info ? Date.now() - info.mtimeMs : 0
        if (!info || idle < idleMs) continue
        await rm(path, { force: true })
        removed.push({ name, bytes: info.size, idleSeconds: Math.round(idle / 1000) })
      }
      return removed
    },
  }
}
