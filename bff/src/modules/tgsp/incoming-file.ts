import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { BlobStoreError, toBlobStoreError } from './blob-errors'

/** An upload being written to a temporary file that becomes a blob or disappears. */
export interface IncomingFile {
  readonly path: string
  /** Resolves once the chunk is taken; rejects with BlobStoreError as soon as the file system fails. */
  write(chunk: Uint8Array): Promise<void>
  /** Flushes and closes the file; rejects with BlobStoreError when the last bytes cannot be written. */
  close(): Promise<void>
  /** Closes and deletes the file. Safe to call twice. */
  discard(): Promise<void>
}

/** Overrides of the file-system calls behind the write stream (`open`, `write`, `writev`, `close`); tests inject faults here. */
export type StreamFs = NonNullable<Exclude<Parameters<typeof createWriteStream>[1], string | undefined>['fs']>

/**
 * Creates `path` (which must not exist) and returns it as an IncomingFile. A write error (disk
 * full, quota, I/O) ends the stream at once: the pending and every later call reject with it,
 * instead of waiting for a 'drain' that a failed stream never emits.
 */
export async function openIncomingFile(path: string, streamFs?: StreamFs): Promise<IncomingFile> {
  const stream = createWriteStream(path, { flags: 'wx', highWaterMark: 1024 * 1024, ...(streamFs && { fs: streamFs }) })
  let failure: BlobStoreError | null = null
  stream.on('error', (err) => (failure ??= toBlobStoreError(err)))
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve())
    stream.once('error', (err) => reject(toBlobStoreError(err)))
  })
  // `errored` is set as the stream fails; its 'error' event follows a tick later.
  const failed = () => (failure ??= stream.errored ? toBlobStoreError(stream.errored) : null)
  const check = () => {
    const err = failed()
    if (err) throw err
    if (stream.destroyed) throw new BlobStoreError('EUNKNOWN', 'the temporary file was closed while being written')
  }
  /** Resolves on 'drain', or when the stream fails or closes instead. */
  const settled = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        for (const event of ['drain', 'error', 'close'] as const) stream.off(event, done)
        resolve()
      }
      for (const event of ['drain', 'error', 'close'] as const) stream.on(event, done)
    })

  let closing: Promise<void> | null = null
  const close = () =>
    (closing ??= new Promise<void>((resolve, reject) => {
      const err = failed()
      if (err) return reject(err)
      stream.end((endErr?: Error | null) => (endErr ? reject(failed() ?? toBlobStoreError(endErr)) : resolve()))
    }))
  return {
    path,
    async write(chunk) {
      check()
      if (!stream.write(chunk)) await settled()
      check()
    },
    close,
    async discard() {
      await close().catch(() => undefined)
      await rm(path, { force: true })
    },
  }
}
