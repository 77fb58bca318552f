/**
 * The blob side of backup and restore, kept to what any blob store can do: list, read a stream,
 * write a stream. `backupBlobsOf` adapts the TGSP module's BlobStore (the local folder today;
 * or an S3 bucket, whichever the server is configured with).
 */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { BlobStore } from '../modules/tgsp/blobs'

export interface BlobSink {
  write(chunk: Uint8Array): Promise<void>
  /** Makes the blob visible under its content id, whole. */
  commit(): Promise<void>
  /** Drops what was written. */
  discard(): Promise<void>
}

export interface BackupBlobs {
  /** Content ids of every blob in the store. */
  list(): AsyncIterable<string>
  /** The blob's size and bytes, or null when the store does not have it. */
  read(contentId: string): Promise<{ bytes: number; stream: AsyncIterable<Uint8Array> } | null>
  /** A new blob written as a stream; nothing is visible before `commit`. */
  write(contentId: string): Promise<BlobSink>
  remove(contentId: string): Promise<void>
}

/** The backup view of the TGSP module's BlobStore (the local folder or the S3 bucket). */
export function backupBlobsOf(store: BlobStore): BackupBlobs {
  return {
    async *list() {
      const ids: string[] = []
      for await (const blob of store.listBlobs()) ids.push(blob.contentId)
      yield* ids.sort()
    },
    async read(contentId) {
      const bytes = await store.size(contentId)
      return bytes === null ? null : { bytes, stream: await store.read(contentId) }
    },
    async write(contentId) {
      const incoming = await store.incoming()
      return {
        write: (chunk) => incoming.write(chunk),
        commit: () => incoming.commit(contentId),
        discard: () => incoming.discard(),
      }
    },
    remove: (contentId) => store.remove(contentId),
  }
}

/** Content ids in a local blob folder (`sha256/ab/<id>`; uploads in progress under `.incoming/` are not blobs). */
export async function* listLocalBlobs(root: string): AsyncGenerator<string> {
  const shards = await readdir(join(root, 'sha256')).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[]
    throw err
  })
  for (const shard of shards.sort())
    for (const name of (await readdir(join(root, 'sha256', shard))).sort()) if (/^[0-9a-f]{64}$/.test(name)) yield name
}
