import { PassThrough } from 'node:stream'
import type { S3Client } from '@aws-sdk/client-s3'
import { BlobStoreError } from './blob-errors'
import { s3Sdk, s3Storage } from './s3-sdk'
import type { IncomingBlob } from './blobs'
import { isS3NotFound, s3Step, toS3StoreError } from './s3-errors'

/** What an incoming upload needs of its store. */
export type S3Target = {
  client: S3Client
  bucket: string
  /** The object key of a blob's content address. */
  blobKey: (contentId: string) => string
  /** Parts of a multipart upload (at least 5 MiB); memory per upload is about (queueSize + 1) parts. */
  partSize: number
  queueSize: number
}

/** `bucket/key` for CopySource, each key segment URI-encoded. */
export const copySourceOf = (bucket: string, key: string) =>
  `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`

/** Deletes `key`; a key that is already gone is fine. */
export async function deleteObject(client: S3Client, bucket: string, key: string): Promise<void> {
  await client.send(new (s3Sdk().DeleteObjectCommand)({ Bucket: bucket, Key: key })).catch((err: unknown) => {
    if (!isS3NotFound(err)) throw err
  })
}

/** Aborts every incomplete multipart upload of exactly `key`. */
async function abortUploadsOf(client: S3Client, bucket: string, key: string): Promise<void> {
  const page = await client.send(new (s3Sdk().ListMultipartUploadsCommand)({ Bucket: bucket, Prefix: key }))
  for (const upload of page.Uploads ?? []) {
    if (upload.Key !== key || !upload.UploadId) continue
    await client
      .send(new (s3Sdk().AbortMultipartUploadCommand)({ Bucket: bucket, Key: key, UploadId: upload.UploadId }))
      .catch((err: unknown) => {
        if (!isS3NotFound(err)) throw err
      })
  }
}

/**
 * Streams an upload to the temporary object `key` with lib-storage's Upload: a single PutObject
 * below one part, a multipart upload above, at most `queueSize` parts in flight. `write` waits
 * while the parts are being sent (backpressure up to the client's socket), so memory stays flat
 * whatever the package's size. `commit` copies the object to its content address and deletes the
 * temporary one; `discard` stops the upload, lets the SDK abort the multipart upload, aborts any
 * that remains for the key and deletes the temporary object.
 */
export function openS3Incoming(target: S3Target, key: string): IncomingBlob {
  const { client, bucket } = target
  const body = new PassThrough({ highWaterMark: 1024 * 1024 })
  // Destroying the body (discard) fails the SDK's read of it, which is how its upload ends; the error
  // reaches us through `done`, so an 'error' event nobody else listens to must not crash the process.
  body.on('error', () => undefined)
  const upload = new (s3Storage().Upload)({
    client,
    params: { Bucket: bucket, Key: key, Body: body, ContentType: 'application/octet-stream' },
    partSize: target.partSize,
    queueSize: target.queueSize,
    leavePartsOnError: false,
  })
  let failure: BlobStoreError | null = null
  // Settles (never rejects) when the upload ends, however it ends.
  const done = upload.done().then(
    () => undefined,
    (err: unknown) => void (failure ??= toS3StoreError(err)),
  )
  let state: 'open' | 'closed' | 'committed' | 'discarded' = 'open'
  const check = () => {
    if (failure) throw failure
    if (state === 'discarded') throw new BlobStoreError('EUNKNOWN', 'the upload to the object store was stopped')
  }

  let closing: Promise<void> | null = null
  const close = () =>
    (closing ??= (async () => {
      check()
      body.end()
      await done
      check()
      state = 'closed'
    })())

  let discarding: Promise<void> | null = null
  return {
    async write(chunk) {
      check()
      if (!body.write(chunk)) {
        let onDrain = () => undefined as void
        await Promise.race([new Promise<void>((resolve) => body.once('drain', (onDrain = resolve))), done])
        body.off('drain', onDrain)
      }
      check()
    },
    close,
    async commit(contentId) {
      await close()
      await s3Step(() =>
        client.send(
          new (s3Sdk().CopyObjectCommand)({
            Bucket: bucket,
            Key: target.blobKey(contentId),
            CopySource: copySourceOf(bucket, key),
            ContentType: 'application/octet-stream',
          }),
        ),
      )
      state = 'committed'
      // A temporary object that cannot be deleted now is removed by the sweep (it is idle from now on).
      await deleteObject(client, bucket, key).catch(() => undefined)
    },
    discard: () =>
      (discarding ??= (async () => {
        if (state === 'committed') return
        state = 'discarded'
        if (!body.writableEnded) body.destroy(new Error('the upload was discarded'))
        await done
        // What the store does not answer now is left to the sweep, which aborts and deletes it later:
        // the caller's own error (the client's refusal or the 507) is what must reach the client.
        await abortUploadsOf(client, bucket, key).catch(() => undefined)
        await deleteObject(client, bucket, key).catch(() => undefined)
      })()),
  }
}
