import { ROLE_LABELS } from '@tg/contracts'
import type { ErrorCode } from '@tg/contracts'
import { remediationOf, requiredRolesOf, retryAfterSecondsOf, validationIssuesOf } from '@/shared/api'
import type { ApiError } from '@/shared/api'

export type ErrorKind =
  | 'unauthenticated'
  | 'forbidden'
  | 'refused'
  | 'not-found'
  | 'bad-request'
  | 'conflict'
  | 'too-large'
  | 'invalid'
  | 'rate-limited'
  | 'internal'
  | 'not-supported'
  | 'contract-violation'
  | 'unavailable'

/** What the console shows for an ApiError: chosen by its code (and status), never guessed. */
export type ErrorView = {
  kind: ErrorKind
  title: string
  message: string
  /** Lines under the message: required roles, validation issues. */
  notes: string[]
  /** Show the request id: the server failed and the id helps an operator find the log line. */
  showsRequestId: boolean
  canRetry: boolean
  retryAfterSeconds: number | null
  tone: 'error' | 'warning' | 'info'
}

function view(kind: ErrorKind, title: string, message: string, options: Partial<ErrorView> = {}): ErrorView {
  return {
    kind,
    title,
    message,
    notes: [],
    showsRequestId: false,
    canRetry: false,
    retryAfterSeconds: null,
    tone: 'error',
    ...options,
  }
}

function unavailableTitle(status: number): string {
  return status === 504 ? 'Service unavailable (timed out)' : 'Service unavailable'
}

/** Chooses the error view. The switch is exhaustive over ErrorCode: a new code fails to compile. */
export function describeError(error: ApiError): ErrorView {
  const code: ErrorCode = error.code
  switch (code) {
    case 'UNAUTHENTICATED':
      return view('unauthenticated', 'Sign in to continue', error.message, { tone: 'warning' })
    case 'INVALID_CREDENTIALS':
      return view('unauthenticated', 'Sign-in failed', error.message)
    case 'FORBIDDEN': {
      const roles = requiredRolesOf(error).map((role) => ROLE_LABELS[role])
      const notes = roles.length > 0 ? [`Required role: ${roles.join(' or ')}.`] : []
      return view('forbidden', "You don't have access", error.message, { notes, tone: 'warning' })
    }
    case 'SIGN_IN_REFUSED': {
      const remediation = remediationOf(error)
      return view('forbidden', 'Sign-in refused', error.message, { notes: remediation ? [remediation] : [] })
    }
    case 'CSRF_REJECTED':
      return view('refused', 'The request was refused', error.message, { canRetry: true })
    case 'NOT_FOUND':
      return view('not-found', 'Not found', error.message, { tone: 'warning' })
    case 'BAD_REQUEST':
    case 'METHOD_NOT_ALLOWED':
    case 'UNSUPPORTED_MEDIA_TYPE':
    case 'MISDIRECTED_REQUEST':
      return view('bad-request', 'The request was not accepted', error.message, { showsRequestId: true })
    case 'CONFLICT':
      return view('conflict', 'Conflict', error.message, { tone: 'warning' })
    case 'BUDGET_EXHAUSTED':
      return view('conflict', 'Privacy budget exhausted', error.message, { tone: 'warning' })
    case 'GATE_FAILED':
      return view('conflict', 'The promotion gate failed', error.message, { tone: 'warning' })
    case 'RELEASE_POLICY':
      return view('conflict', 'Not allowed yet by the release policy', error.message, { tone: 'warning' })
    case 'PAYLOAD_TOO_LARGE':
      return view('too-large', 'Too large', error.message)
    case 'RANGE_NOT_SATISFIABLE':
      return view('bad-request', 'The requested range is outside the file', error.message)
    case 'PACKAGE_REJECTED':
      return view('invalid', 'The package was rejected', error.message)
    case 'VALIDATION_FAILED': {
      const notes = validationIssuesOf(error).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
      return view('invalid', 'Some values are not valid', error.message, { notes })
    }
    case 'RATE_LIMITED':
      return view('rate-limited', 'Too many attempts', error.message, {
        tone: 'warning',
        canRetry: true,
        retryAfterSeconds: retryAfterSecondsOf(error),
      })
    case 'INTERNAL':
      return view('internal', 'Something went wrong on the server', error.message, {
        showsRequestId: true,
        canRetry: true,
      })
    case 'NOT_SUPPORTED':
      // The title already says what the server message says; the remediation says what to do.
      return view('not-supported', 'Not available in this build', remediationOf(error) ?? error.message, {
        tone: 'info',
      })
    case 'CONTRACT_VIOLATION':
      return view('contract-violation', 'The server sent an unexpected response', error.message, {
        showsRequestId: true,
        canRetry: true,
      })
    case 'UPSTREAM_UNAVAILABLE':
      return view('unavailable', unavailableTitle(error.status), error.message, {
        showsRequestId: true,
        canRetry: true,
      })
    case 'REQUEST_TIMEOUT':
      return view('unavailable', 'The request timed out', error.message, { showsRequestId: true, canRetry: true })
    case 'INSUFFICIENT_STORAGE':
      return view('unavailable', 'The server is out of storage', error.message, {
        showsRequestId: true,
        canRetry: true,
      })
    default: {
      const unhandled: never = code
      throw new Error(`No error view for ${String(unhandled)}`)
    }
  }
}
