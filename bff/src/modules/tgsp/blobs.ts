import { randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, readdir, rename, rm, stat, statfs } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { storing } from './blob-errors'
import { openIncomingFile } from './incoming-file'
import type { StreamFs } from './incoming-file'

/** A temporary file or object removed by the sweep. */
export type SweptFile = { name: string; bytes: number; idleSeconds: number }

/** A stored blob, as listed for the sweep of blobs no package references. */
export type StoredBlob = { contentId: string; bytes: number; ageMs: number }

/** An upload being written: its bytes go to a temporary file or object that becomes a blob or disappears. */
export interface IncomingBlob {
  /** Resolves once the chunk is taken; rejects with BlobStoreError as soon as the store fails. */
  write(chunk: Uint8Array): Promise<void>
  /** Stores the last bytes; rejects with BlobStoreError when they cannot be stored. */
  close(): Promise<void>
  /** Moves the closed upload to its content address (then nothing temporary remains). */
  commit(contentId: string): Promise<void>
  /** Stops the upload and removes whatever it stored (also a half-done multipart upload). Safe to call twice. */
  discard(): Promise<void>
}

/**
 * Content-addressed blob store: package bytes under `sha256/ab/<content id>`, on a local folder
 * (createLocalBlobStore) or in an S3-compatible bucket (createS3BlobStore in blobs-s3.ts). An
 * upload is written to a temporary name and moved to its address once its hash is known, so a
 * blob is either whole or absent. Failures of writing surface as BlobStoreError (see blob-errors.ts).
 */
export interface BlobStore {
  /** Where the bytes live, for health messages: "blob store" or "object store s3://bucket/prefix". */
  readonly label: string
  /** A local folder, or an S3-compatible object store (which readiness checks). */
  readonly kind: 'local' | 's3'
  incoming(): Promise<IncomingBlob>
  remove(contentId: string): Promise<void>
  size(contentId: string): Promise<number | null>
  /** The blob's bytes (or the inclusive byte range), streamed from the store. */
  read(contentId: string, range?: { start: number; end: number }): Promise<Readable>
  /**
   * Removes temporary uploads not written to for `idleMs` (a live upload touches its file whenever
   * bytes arrive, also on another replica): leftovers of a process that stopped mid-upload. On S3
   * also aborts incomplete multipart uploads started longer ago than `idleMs`.
   */
  sweepIncoming(idleMs: number): Promise<SweptFile[]>
  /** Every stored blob (for the sweep of blobs that no package row references). */
  listBlobs(): AsyncIterable<StoredBlob>
  /** Writes and removes a small temporary file or object: rejects with BlobStoreError when the store cannot take new blobs. */
  probe(): Promise<void>
  /** Free bytes (for this process) and total bytes of the store's file system; null for an object store (no such limit). */
  space(): Promise<{ freeBytes: number; totalBytes: number } | null>
  /** Rejects when the store does not answer (readiness); the local folder always answers. */
  ping(): Promise<void>
}

export const CONTENT_ID = /^[0-9a-f]{64}$/

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
    label: 'blob store',
    kind: 'local',

    async incoming() {
      const file = await newIncoming('.part')
      return {
        write: (chunk) => file.write(chunk),
        close: () => file.close(),
        discard: () => file.discard(),
        async commit(contentId) {
          await file.close()
          const target = pathOf(contentId)
          await storing(async () => {
            await mkdir(join(target, '..'), { recursive: true })
            await rename(file.path, target)
          })
        },
      }
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

    async read(contentId, range) {
      const stream = createReadStream(pathOf(contentId), range ? { start: range.start, end: range.end } : {})
      // Opening fails here (a missing file) rather than in the middle of the response.
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve())
        stream.once('error', reject)
      })
      return stream
    },

    async *listBlobs() {
      const top = join(root, 'sha256')
      for (const prefix of await readdir(top).catch(() => [] as string[])) {
        for (const name of await readdir(join(top, prefix)).catch(() => [] as string[])) {
          if (!CONTENT_ID.test(name)) continue
          const info = await stat(join(top, prefix, name)).catch(() => null)
          if (info) yield { contentId: name, bytes: info.size, ageMs: Date.now() - info.mtimeMs }
        }
      }
    },

    async ping() {},

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
