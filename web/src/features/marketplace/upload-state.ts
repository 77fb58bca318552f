import { PackageDuplicateDetailsSchema, PackageRejectedDetailsSchema } from '@tg/contracts'
import type { PackageDetail, TgspChecks } from '@tg/contracts'
import { isApiError, toApiError } from '@/shared/api'
import type { ApiError, UploadProgress } from '@/shared/api'

/** Where an upload stands, from picking the file to the server's verdict. */
export type UploadState =
  | { phase: 'idle' }
  | { phase: 'sending'; sent: number; total: number }
  | { phase: 'verifying'; total: number }
  | { phase: 'verified'; pkg: PackageDetail }
  | { phase: 'rejected'; checks: TgspChecks; packageId: string | null; modelVersion: string | null }
  | { phase: 'duplicate'; existingId: string }
  | { phase: 'cancelled' }
  | { phase: 'failed'; error: ApiError }

export type UploadPhase = UploadState['phase']

/** Phases during which the request is still open. */
export const BUSY_PHASES: ReadonlySet<UploadPhase> = new Set(['sending', 'verifying'])

/** Bytes still leaving the browser, or all sent and the server verifying. */
export function stateOfProgress({ sent, total }: UploadProgress): UploadState {
  return sent >= total ? { phase: 'verifying', total } : { phase: 'sending', sent, total }
}

/** Whole percent sent, never 100 before the last byte. */
export function percentOf(sent: number, total: number): number {
  if (total <= 0 || sent >= total) return 100
  return Math.min(99, Math.floor((sent * 100) / total))
}

/**
 * What a failed upload means: cancelled by the person, rejected with its checks (422
 * PACKAGE_REJECTED), a duplicate of a package already stored (409 with details.existingId), or
 * another error for the shared error view.
 */
export function stateOfFailure(error: unknown): UploadState {
  if (error instanceof DOMException && error.name === 'AbortError') return { phase: 'cancelled' }
  if (isApiError(error) && error.code === 'PACKAGE_REJECTED') {
    const details = PackageRejectedDetailsSchema.safeParse(error.details)
    if (details.success) return { phase: 'rejected', ...details.data }
  }
  if (isApiError(error) && error.code === 'CONFLICT') {
    const details = PackageDuplicateDetailsSchema.safeParse(error.details)
    if (details.success) return { phase: 'duplicate', existingId: details.data.existingId }
  }
  return { phase: 'failed', error: toApiError(error) }
}
