/** Writes the archive as a stream: gzip over USTAR, entries whose sizes are known before their bytes. */
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import type { WriteStream } from 'node:fs'
import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import { TAR_END_LENGTH, tarHeader, tarPaddingLength } from '@tg/contracts/formats/tgsp'

export type WrittenEntry = { bytes: number; sha256: string }

export interface ArchiveWriter {
  /** Writes one file entry of exactly `size` bytes from `source`; returns the bytes written and their SHA-256. */
  entry(path: string, size: number, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<WrittenEntry>
  /** Ends the archive and waits for the file to be flushed. */
  finish(): Promise<void>
  /** Stops writing (the caller removes the file). */
  abort(): void
}

export function createArchiveWriter(file: string): ArchiveWriter {
  const out: WriteStream = createWriteStream(file, { flags: 'wx', mode: 0o600 })
  const gzip = createGzip({ level: 6 })
  gzip.pipe(out)
  let failure: Error | null = null
  // A failed file stops the compressor too, so that a wait for its 'drain' ends with the error.
  out.on('error', (err) => {
    failure ??= err
    gzip.destroy(err)
  })
  gzip.on('error', (err) => (failure ??= err))

  const write = async (bytes: Uint8Array) => {
    if (failure) throw failure
    if (!gzip.write(bytes)) await once(gzip, 'drain')
    if (failure) throw failure
  }

  return {
    async entry(path, size, source) {
      await write(tarHeader({ path, type: 'file', size, executable: false }))
      const hash = createHash('sha256')
      let bytes = 0
      for await (const chunk of source) {
        bytes += chunk.byteLength
        if (bytes > size) throw new Error(`${path} grew while it was archived (more than ${size} bytes)`)
        hash.update(chunk)
        await write(chunk)
      }
      if (bytes !== size) throw new Error(`${path} has ${bytes} bytes, ${size} were announced`)
      await write(new Uint8Array(tarPaddingLength(size)))
      return { bytes, sha256: hash.digest('hex') }
    },
    async finish() {
      await write(new Uint8Array(TAR_END_LENGTH))
      gzip.end()
      await finished(out)
      if (failure) throw failure
    },
    abort() {
      gzip.destroy()
      out.destroy()
    },
  }
}
