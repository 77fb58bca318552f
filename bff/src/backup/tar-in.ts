/** Reads the archive as a stream of entry events, refusing anything the USTAR reader refuses. */
import { createReadStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import { TarReader } from '@tg/contracts/formats/tgsp'
import { BackupError } from './format'

export type ArchiveEvent =
  | { type: 'entry'; path: string; size: number; isFile: boolean }
  | { type: 'data'; bytes: Uint8Array }
  | { type: 'end'; path: string }

/** Every entry of the gzip-compressed tar `file`, in order; a damaged file throws BackupError. */
export async function* readArchive(file: string): AsyncGenerator<ArchiveEvent> {
  const queue: ArchiveEvent[] = []
  const reader = new TarReader({
    onEntry: (e) => queue.push({ type: 'entry', path: e.path, size: e.size, isFile: e.type === 'file' }),
    onData: (bytes) => queue.push({ type: 'data', bytes: bytes.slice() }),
    onEntryEnd: (e) => queue.push({ type: 'end', path: e.path }),
  })
  const gunzip = createGunzip()
  const piping = pipeline(createReadStream(file), gunzip).catch(() => undefined)
  try {
    for await (const chunk of gunzip) {
      try {
        reader.push(chunk as Buffer)
      } catch (err) {
        throw damaged(err)
      }
      while (queue.length > 0) yield queue.shift()!
    }
    try {
      reader.finish()
    } catch (err) {
      throw damaged(err)
    }
  } catch (err) {
    throw err instanceof BackupError ? err : damaged(err)
  } finally {
    gunzip.destroy()
    await piping
  }
}

function damaged(err: unknown): BackupError {
  const reason = err instanceof Error ? err.message : String(err)
  return new BackupError(`The archive is damaged or not a backup archive (${reason}); nothing was restored.`)
}
