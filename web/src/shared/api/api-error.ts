import {
  ERROR_STATUS,
  NotSupportedDetailsSchema,
  SignInRefusedDetailsSchema,
  RateLimitDetailsSchema,
  RoleSchema,
  ValidationDetailsSchema,
} from '@tg/contracts'
import type { ErrorCode, Role, ValidationIssue } from '@tg/contracts'

export type ApiErrorInit = {
  status: number
  code: ErrorCode
  message: string
  requestId: string | null
  details?: Record<string, unknown> | undefined
}

/**
 * The one failure type of the console's API layer. `code` and `status` come from the server's
 * error envelope, or are CONTRACT_VIOLATION (a response failed its schema) and
 * UPSTREAM_UNAVAILABLE (the server could not be reached) made here.
 */
export class ApiError extends Error {
  override name = 'ApiError'
  readonly status: number
  readonly code: ErrorCode
  readonly requestId: string | null
  readonly details: Record<string, unknown> | undefined

  constructor(init: ApiErrorInit) {
    super(init.message)
    this.status = init.status
    this.code = init.code
    this.requestId = init.requestId
    this.details = init.details
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError
}

/** Any thrown value as an ApiError; a non-API failure is reported as INTERNAL, never hidden. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new ApiError({ status: ERROR_STATUS.INTERNAL, code: 'INTERNAL', message, requestId: null })
}

/** The server could not be reached (network failure): 503 UPSTREAM_UNAVAILABLE without a request id. */
export function unreachableError(): ApiError {
  return new ApiError({
    status: ERROR_STATUS.UPSTREAM_UNAVAILABLE,
    code: 'UPSTREAM_UNAVAILABLE',
    message: 'The server could not be reached. Check your connection and retry.',
    requestId: null,
  })
}

/** details.issues of a VALIDATION_FAILED error, empty for anything else. */
export function validationIssuesOf(error: unknown): ValidationIssue[] {
  if (!isApiError(error) || error.code !== 'VALIDATION_FAILED') return []
  const parsed = ValidationDetailsSchema.safeParse(error.details)
  return parsed.success ? parsed.data.issues : []
}

/** details.retryAfterSeconds of a RATE_LIMITED error, null otherwise. */
export function retryAfterSecondsOf(error: unknown): number | null {
  if (!isApiError(error) || error.code !== 'RATE_LIMITED') return null
  const parsed = RateLimitDetailsSchema.safeParse(error.details)
  return parsed.success ? parsed.data.retryAfterSeconds : null
}

/** details.remediation of a NOT_SUPPORTED error, null otherwise. */
export function remediationOf(error: unknown): string | null {
  if (!isApiError(error) || (error.code !== 'NOT_SUPPORTED' && error.code !== 'SIGN_IN_REFUSED')) return null
  const parsed = (error.code === 'NOT_SUPPORTED' ? NotSupportedDetailsSchema : SignInRefusedDetailsSchema).safeParse(
    error.details,
  )
  return parsed.success ? (parsed.data.remediation ?? null) : null
}

/** details.requiredRoles of a FORBIDDEN error (the roles the route allows), empty when absent. */
export function requiredRolesOf(error: unknown): Role[] {
  if (!isApiError(error)) return []
  const parsed = RoleSchema.array().safeParse(error.details?.requiredRoles)
  return parsed.success ? parsed.data : []
}
