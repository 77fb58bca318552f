import { z } from 'zod'

/**
 * The one error vocabulary of the platform. Every error the BFF answers carries one of these
 * codes, and the console chooses its error view from the code and the HTTP status.
 */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  CSRF_REJECTED: 403,
  SIGN_IN_REFUSED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  CONFLICT: 409,
  BUDGET_EXHAUSTED: 409,
  GATE_FAILED: 409,
  RELEASE_POLICY: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RANGE_NOT_SATISFIABLE: 416,
  MISDIRECTED_REQUEST: 421,
  VALIDATION_FAILED: 422,
  PACKAGE_REJECTED: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  NOT_SUPPORTED: 501,
  CONTRACT_VIOLATION: 502,
  UPSTREAM_UNAVAILABLE: 503,
  INSUFFICIENT_STORAGE: 507,
} as const

export type ErrorCode = keyof typeof ERROR_STATUS
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode]

export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]

export const ErrorCodeSchema = z.enum(ERROR_CODES).meta({
  id: 'ErrorCode',
  description:
    'Stable machine-readable error code. CONTRACT_VIOLATION is raised by clients whose response ' +
    'failed its schema; the server never sends it.',
})

export const ValidationIssueSchema = z
  .object({
    path: z.string().meta({ description: 'Dotted path of the offending field, empty for the root.' }),
    message: z.string(),
  })
  .meta({ id: 'ValidationIssue' })
export type ValidationIssue = z.infer<typeof ValidationIssueSchema>

export const ErrorBodySchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  requestId: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
})

export const ErrorEnvelopeSchema = z.object({ error: ErrorBodySchema }).meta({ id: 'ErrorEnvelope' })
export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>

/** `details` of VALIDATION_FAILED. */
export const ValidationDetailsSchema = z.object({ issues: z.array(ValidationIssueSchema) })
/** `details` of RATE_LIMITED (also sent as the Retry-After header). */
export const RateLimitDetailsSchema = z.object({ retryAfterSeconds: z.number().int().nonnegative() })
/** `details` of NOT_SUPPORTED: what an operator can do about it. */
export const NotSupportedDetailsSchema = z.object({ remediation: z.string() })
/** `details` of a CONFLICT caused by one field's value (for example a taken username). */
export const ConflictDetailsSchema = z.object({ field: z.string() })
/** `details` of SIGN_IN_REFUSED: why (a stable reason code) and what the user can do. */
export const SignInRefusedDetailsSchema = z.object({ reason: z.string(), remediation: z.string().optional() })
/** `details` of UPSTREAM_UNAVAILABLE: which dependency is down. */
export const UpstreamDetailsSchema = z.object({ dependency: z.string() })

const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'Malformed request (for example invalid JSON).',
  401: 'Not signed in, or the credentials are not valid.',
  403: 'Signed in, but no allowed role; or the CSRF or Origin check failed; or a sign-in was refused (SIGN_IN_REFUSED, details.reason).',
  404: 'No such resource.',
  405: 'Method not allowed.',
  408: 'The request body stopped arriving (idle longer than the server waits); nothing was kept.',
  409: "Conflicts with the current state (BUDGET_EXHAUSTED: the round would exceed the run's privacy budget; GATE_FAILED: an expert version's promotion gate failed, details.gate lists every rule; RELEASE_POLICY: the fleet's release policy (soak time, health on the previous channel) is not met, details.conditions lists each condition with its observed value and details.allowedAt says when the soak time passes).",
  413: 'The request body is larger than allowed.',
  415: 'The request body has an unsupported content type.',
  416: 'The requested byte range is outside the file.',
  421: 'The Host header names a host this server does not answer for.',
  422: 'The request failed validation (details.issues lists each problem), or an uploaded package failed its checks (PACKAGE_REJECTED, details.checks).',
  429: 'Too many attempts; wait for Retry-After seconds.',
  500: 'Unexpected server error; quote the request id.',
  501: 'Not available in this build; details.remediation says what to do.',
  502: 'A response did not match its contract.',
  503: 'A dependency (for example the database) is unavailable; retry after Retry-After seconds.',
  507: 'The server has no room to store the request (for example a full disk); nothing was kept.',
}

type ErrorResponse = {
  description: string
  content: { 'application/json': { schema: typeof ErrorEnvelopeSchema } }
}

/** The documented error responses of a route: `...errorResponses(401, 403, 422)`. */
export function errorResponses<const S extends readonly ErrorStatus[]>(
  ...statuses: S
): { [K in S[number]]: ErrorResponse } {
  const out: Record<number, ErrorResponse> = {}
  for (const status of statuses) {
    out[status] = {
      description: ERROR_DESCRIPTIONS[status],
      content: { 'application/json': { schema: ErrorEnvelopeSchema } },
    }
  }
  return out as { [K in S[number]]: ErrorResponse }
}
