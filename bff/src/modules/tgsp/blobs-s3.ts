import { randomUUID } from 'node:crypto'
import type { Readable } from 'node:stream'
import type { S3Client } from '@aws-sdk/client-s3'
import { CONTENT_ID } from './blobs'
import type { BlobStore, SweptFile } from './blobs'
import { isS3NotFound, s3Step, toS3StoreError } from './s3-errors'
import { s3Sdk } from './s3-sdk'
import { deleteObject, openS3Incoming } from './s3-incoming'
import type { S3Target } from './s3-incoming'

/** Where package bytes live when TG_S3_BUCKET is set (see env.ts). */
export type S3Settings = {
  bucket: string
  /** An S3-compatible server (MinIO, Ceph, moto); AWS S3 when absent. */
  endpoint?: string
  region: string
  /** Both or neither; neither means the SDK's default credential chain (instance role, AWS_* variables). */
  credentials?: { accessKeyId: string; secretAccessKey: string }
  forcePathStyle: boolean
  /** Key prefix, empty or ending in "/". */
  prefix: string
}

export const MiB = 1024 * 1024
/** 8 MiB parts, two in flight: about 24 MiB per upload, whatever the package's size. */
export const DEFAULT_PART_SIZE = 8 * MiB
/** CopyObject copies at most 5 GiB in one request: the upload limit must stay below it with S3. */
export const MAX_S3_BLOB_BYTES = 5 * 1024 ** 3

export function createS3Client(settings: S3Settings): S3Client {
  return new (s3Sdk().S3Client)({
    region: settings.region,
    ...(settings.endpoint && { endpoint: settings.endpoint }),
    forcePathStyle: settings.forcePathStyle,
    ...(settings.credentials && { credentials: settings.credentials }),
    // Checksums only where S3 requires them: S3-compatible servers differ in the newer algorithms.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
}

/**
 * The blob store in an S3-compatible bucket: blobs at `<prefix>sha256/ab/<content id>`, uploads
 * streamed to `<prefix>.incoming/<uuid>.part` (multipart above one part) and copied to their
 * content address once the hash is known. `client` is for tests (a client with their own
 * middleware); one is made from `settings` otherwise.
 */
export function createS3BlobStore(
  settings: S3Settings,
  options: { client?: S3Client; partSize?: number; queueSize?: number } = {},
): BlobStore {
  const client = options.client ?? createS3Client(settings)
  const { bucket, prefix } = settings
  const incomingPrefix = `${prefix}.incoming/`
  const blobPrefix = `${prefix}sha256/`
  const blobKey = (contentId: string) => {
    if (!CONTENT_ID.test(contentId)) throw new Error(`not a content id: ${contentId}`)
    return `${blobPrefix}${contentId.slice(0, 2)}/${contentId}`
  }
  const target: S3Target = {
    client,
    bucket,
    blobKey,
    partSize: options.partSize ?? DEFAULT_PART_SIZE,
    queueSize: options.queueSize ?? 2,
  }

  /** Aborts multipart uploads under the prefix whose newest part (or start) is older than `idleMs`. */
  async function abortStaleUploads(idleMs: number): Promise<SweptFile[]> {
    const aborted: SweptFile[] = []
    let markers: { KeyMarker?: string; UploadIdMarker?: string } = {}
    for (;;) {
      const page = await client.send(
        new (s3Sdk().ListMultipartUploadsCommand)({ Bucket: bucket, Prefix: prefix, ...markers }),
      )
      for (const upload of page.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId) continue
        const parts = await client
          .send(new (s3Sdk().ListPartsCommand)({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }))
          .catch(() => null)
        const times = [upload.Initiated, ...(parts?.Parts ?? []).map((p) => p.LastModified)]
        const lastActive = Math.max(...times.map((t) => t?.getTime() ?? 0))
        const idle = Date.now() - lastActive
        if (idle < idleMs) continue
        await client
          .send(
            new (s3Sdk().AbortMultipartUploadCommand)({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }),
          )
          .catch((err: unknown) => {
            if (!isS3NotFound(err)) throw err
          })
        const bytes = (parts?.Parts ?? []).reduce((sum, p) => sum + (p.Size ?? 0), 0)
        aborted.push({ name: `multipart upload of ${upload.Key}`, bytes, idleSeconds: Math.round(idle / 1000) })
      }
      if (!page.IsTruncated) return aborted
      markers = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker }
    }
  }

  /** Every object under `keyPrefix`, page by page. */
  async function* listObjects(keyPrefix: string) {
    let token: string | undefined
    do {
      const page = await client.send(
        new (s3Sdk().ListObjectsV2Command)({ Bucket: bucket, Prefix: keyPrefix, ContinuationToken: token }),
      )
      yield* page.Contents ?? []
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
  }

  return {
    label: `object store s3://${bucket}/${prefix}`,
    kind: 's3',

    incoming: async () => openS3Incoming(target, `${incomingPrefix}${randomUUID()}.part`),

    async remove(contentId) {
      await deleteObject(client, bucket, blobKey(contentId))
    },

    async size(contentId) {
      try {
        const head = await client.send(new (s3Sdk().HeadObjectCommand)({ Bucket: bucket, Key: blobKey(contentId) }))
        return head.ContentLength ?? null
      } catch (err) {
        if (isS3NotFound(err)) return null
        throw toS3StoreError(err)
      }
    },

    async read(contentId, range) {
      const object = await s3Step(() =>
        client.send(
          new (s3Sdk().GetObjectCommand)({
            Bucket: bucket,
            Key: blobKey(contentId),
            ...(range && { Range: `bytes=${range.start}-${range.end}` }),
          }),
        ),
      )
      return object.Body as Readable
    },

    async sweepIncoming(idleMs) {
      const removed = await abortStaleUploads(idleMs)
      for await (const object of listObjects(incomingPrefix)) {
        const idle = Date.now() - (object.LastModified?.getTime() ?? 0)
        if (!object.Key || idle < idleMs) continue
        await deleteObject(client, bucket, object.Key)
        removed.push({
          name: object.Key.slice(incomingPrefix.length),
          bytes: object.Size ?? 0,
          idleSeconds: Math.round(idle / 1000),
        })
      }
      return removed
    },

    async *listBlobs() {
      for await (const object of listObjects(blobPrefix)) {
        const contentId = object.Key?.split('/').pop() ?? ''
        if (!CONTENT_ID.test(contentId)) continue
        yield { contentId, bytes: object.Size ?? 0, ageMs: Date.now() - (object.LastModified?.getTime() ?? 0) }
      }
    },

    async probe() {
      const key = `${incomingPrefix}${randomUUID()}.probe`
      await s3Step(async () => {
        try {
          await client.send(new (s3Sdk().PutObjectCommand)({ Bucket: bucket, Key: key, Body: 'probe\n' }))
        } finally {
          await deleteObject(client, bucket, key).catch(() => undefined)
        }
      })
    },

    space: async () => null,

    async ping() {
      await s3Step(() => client.send(new (s3Sdk().HeadBucketCommand)({ Bucket: bucket })))
    },
  }
}
