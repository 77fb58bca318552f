import { createRequire } from 'node:module'
import type * as ClientS3 from '@aws-sdk/client-s3'
import type * as LibStorage from '@aws-sdk/lib-storage'

// The AWS SDK loads on first use only: a server that keeps its packages in a folder (no
// TG_S3_BUCKET) never carries it (about 6 MB resident and 3 MB of heap at rest, bff/bench/NOTES.md).
const require = createRequire(import.meta.url)

/** `@aws-sdk/client-s3`, loaded when first asked for. */
export const s3Sdk = () => require('@aws-sdk/client-s3') as typeof ClientS3

/** `@aws-sdk/lib-storage` (multipart uploads), loaded when first asked for. */
export const s3Storage = () => require('@aws-sdk/lib-storage') as typeof LibStorage
