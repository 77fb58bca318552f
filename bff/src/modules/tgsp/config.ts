import type { S3Settings } from './blobs-s3'

/** Settings of the marketplace; `env.ts` reads them from the environment. */
export type TgspConfig = {
  /** The local blob folder, used when `s3` is absent. */
  blobDir: string
  /** Package bytes in an S3-compatible bucket instead of `blobDir` (TG_S3_BUCKET and the other TG_S3_* variables). */
  s3?: S3Settings
  maxUploadBytes: number
  channels: string[]
  /** An upload that receives no bytes for this long ends with 408 (TG_UPLOAD_IDLE_TIMEOUT_S). */
  uploadIdleTimeoutMs: number
  /** Health is degraded below this much free space, besides below one upload's limit (TG_BLOB_MIN_FREE_BYTES). */
  minFreeBytes: number
  /** How often `.incoming/` is swept. */
  sweepIntervalMs: number
  /** How long an incoming file must be idle to be swept. */
  sweepAfterMs: number
}

/** What a caller must give; the rest has defaults. */
export type TgspSettings = Pick<TgspConfig, 'blobDir' | 'maxUploadBytes' | 'channels'> & Partial<TgspConfig>

export const UPLOAD_IDLE_TIMEOUT_S = 60
export const MIN_FREE_BYTES = 1024 ** 3
export const SWEEP_INTERVAL_MS = 60_000

/**
 * Incoming files idle this long are leftovers: ten minutes, and at least four idle timeouts, so
 * the file of a live upload (which the idle timeout ends long before) is never swept, also when
 * another replica receives it.
 */
export const sweepAfterMsFor = (idleMs: number) => Math.max(10 * 60_000, 4 * idleMs)

export function resolveTgspConfig(settings: TgspSettings): TgspConfig {
  const uploadIdleTimeoutMs = settings.uploadIdleTimeoutMs ?? UPLOAD_IDLE_TIMEOUT_S * 1000
  return {
    ...settings,
    uploadIdleTimeoutMs,
    minFreeBytes: settings.minFreeBytes ?? MIN_FREE_BYTES,
    sweepIntervalMs: settings.sweepIntervalMs ?? SWEEP_INTERVAL_MS,
    sweepAfterMs: settings.sweepAfterMs ?? sweepAfterMsFor(uploadIdleTimeoutMs),
  }
}
