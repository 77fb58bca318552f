import { BlobStoreError } from './blob-errors'

const NOT_FOUND = new Set(['NoSuchKey', 'NotFound', 'NoSuchUpload'])

/** True for an S3 answer that says the key (or multipart upload) does not exist. */
export function isS3NotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } }
  return NOT_FOUND.has(e?.name ?? '') || e?.$metadata?.httpStatusCode === 404
}

const REASONS: Record<string, string> = {
  NoSuchBucket: 'the object store has no such bucket',
  AccessDenied: 'the object store refused access (check the access key and its policy)',
  InvalidAccessKeyId: 'the object store does not know the access key',
  SignatureDoesNotMatch: 'the object store rejected the secret access key',
  EntityTooLarge: 'the object store refused an object this large',
  ECONNREFUSED: 'the object store does not answer (connection refused)',
  ECONNRESET: 'the object store closed the connection',
  ETIMEDOUT: 'the object store did not answer in time',
  ENOTFOUND: 'the object store\u2019s host name does not resolve',
  EAI_AGAIN: 'the object store\u2019s host name does not resolve',
}

/**
 * Wraps a failure of the S3 client as a BlobStoreError (a 507 for an upload, "unavailable" in
 * health). `code` is the S3 error name or the network error code; `reason` names no secret.
 */
export function toS3StoreError(err: unknown): BlobStoreError {
  if (err instanceof BlobStoreError) return err
  const e = err as { name?: string; code?: string; cause?: { code?: string }; $metadata?: { httpStatusCode?: number } }
  const network = e?.code ?? e?.cause?.code
  const code = (network && REASONS[network] ? network : undefined) ?? e?.name ?? 'EUNKNOWN'
  const status = e?.$metadata?.httpStatusCode
  const reason =
    REASONS[code] ??
    (status && status >= 500
      ? `the object store failed (${status} ${code})`
      : `the object store refused the request (${status ?? 'no answer'} ${code})`)
  return new BlobStoreError(code, reason, { cause: err })
}

/** Runs one S3 step, turning its failure into a BlobStoreError. */
export async function s3Step<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step()
  } catch (err) {
    throw toS3StoreError(err)
  }
}
