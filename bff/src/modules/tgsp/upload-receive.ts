import { TgspFormatError } from '@tg/contracts/formats/tgsp'
import type { TgspParsed, TgspStreamParser } from '@tg/contracts/formats/tgsp'
import { AppError } from '../../lib/errors'
import type { WorkerSha256 } from '../../lib/sha256-worker'
import type { IncomingBlob } from './blobs'
import type { UploadBody } from './upload-body'

/** No byte of the body arrived for the idle timeout. */
export class UploadIdleError extends Error {
  override name = 'UploadIdleError'
  constructor(readonly idleMs: number) {
    super(`no bytes for ${idleMs} ms`)
  }
}

/** The client went away (connection reset or closed) before the body ended. */
export class UploadAbortedError extends Error {
  override name = 'UploadAbortedError'
}

export function tooLarge(maxBytes: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `The package is larger than the upload limit of ${maxBytes} bytes.`, {
    maxBytes,
  })
}

/** The next chunk, or UploadIdleError when the client sends nothing for `idleMs`. */
function readWithin(body: UploadBody, idleMs: number): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new UploadIdleError(idleMs)), idleMs)
    body
      .read()
      .then(resolve, (err: unknown) => reject(new UploadAbortedError((err as Error)?.message, { cause: err })))
      .finally(() => clearTimeout(timer))
  })
}

export type Received = { bytes: number; parsed: TgspParsed | null; structureError: string | null }

/**
 * Reads the body into the temporary file and the parser, then flushes the file. The parser was
 * made with `hashPayload: false` and hands the payload to `payloadHash` (a worker thread), which
 * holds the next read while it is behind. A structural fault stops storing and hashing, not
 * reading (the client gets its 422 rather than a reset). Throws
 * PAYLOAD_TOO_LARGE, UploadIdleError, UploadAbortedError (client side) or BlobStoreError (the
 * server's disk); `progress.bytes` says how far it got.
 */
export async function receive(
  body: UploadBody,
  incoming: IncomingBlob,
  parser: TgspStreamParser,
  payloadHash: WorkerSha256,
  limits: { maxBytes: number; idleMs: number },
  progress: { bytes: number },
): Promise<Received> {
  let fault: TgspFormatError | null = null
  for (let chunk = await readWithin(body, limits.idleMs); chunk; chunk = await readWithin(body, limits.idleMs)) {
    progress.bytes += chunk.byteLength
    if (progress.bytes > limits.maxBytes) throw tooLarge(limits.maxBytes)
    if (fault) continue
    try {
      parser.push(chunk)
    } catch (err) {
      if (!(err instanceof TgspFormatError)) throw err
      fault = err
      await incoming.discard()
      continue
    }
    await incoming.write(chunk)
    await payloadHash.ready()
  }
  const { bytes } = progress
  if (fault) return { bytes, parsed: null, structureError: fault.reason }
  await incoming.close()
  try {
    // A body cut short fails `finish` before the digest is used; the digest waits at most for the batches in flight.
    const payloadDigest = parser.prelude ? await payloadHash.digest() : undefined
    return { bytes, parsed: parser.finish(payloadDigest), structureError: null }
  } catch (err) {
    if (!(err instanceof TgspFormatError)) throw err
    return { bytes, parsed: null, structureError: err.reason }
  }
}
