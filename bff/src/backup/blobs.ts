/**
 * The blob side of backup and restore, kept to what any blob store can do: list, read a stream,
 * write a stream. `backupBlobsOf` adapts the TGSP module's BlobStore (the local folder today;
 * an S3 store behind the same interface needs only its own `list`).
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

export function backupBlobsOf(store: BlobStore, list: () => AsyncIterable<string>): BackupBlobs {
  return {
    list,
    async read(contentId) {
      const bytes = await store.size(contentId)
      return bytes === null ? null : { bytes, stream: store.read(contentId) }
    },
    async write(contentId) {
      const incoming = await store.incoming()
      return {
        write: (chunk) => incoming.write(chunk),
        commit: () => store.commit(incoming, contentId),
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
