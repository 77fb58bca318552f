import { ERROR_STATUS } from '@tg/contracts'
import type { ErrorCode } from '@tg/contracts'

/** A failure with a stable code; the error handler turns it into the error envelope. */
export class AppError extends Error {
  override name = 'AppError'
  constructor(
    readonly code: Exclude<ErrorCode, 'CONTRACT_VIOLATION'>,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message)
  }

  get status(): number {
    return ERROR_STATUS[this.code]
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found.`)
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new AppError('CONFLICT', message, details)

export function rateLimited(retryAfterSeconds: number, message: string): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds))
  return new AppError('RATE_LIMITED', message, { retryAfterSeconds: seconds }, { 'Retry-After': String(seconds) })
}

/** Retry-After of every 503: a stopped database is usually back, or failed over, within seconds. */
export const UNAVAILABLE_RETRY_AFTER_S = 5

export function databaseUnavailable(): AppError {
  return new AppError('UPSTREAM_UNAVAILABLE', 'The database is not answering. Retry in a moment.', {
    dependency: 'database',
  })
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
])
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Connection ended unexpectedly',
  'Client has encountered a connection error',
  'Query read timeout',
  'PGlite is closed',
  'Cannot use a pool after calling end',
]

/** True when an error (or one of its causes) says the database cannot be reached. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (
      typeof code === 'string' &&
      (CONNECTION_ERROR_CODES.has(code) || code.startsWith('08') || code === '57P01' || code === '57P03')
    )
      return true
    if (CONNECTION_MESSAGES.some((m) => e instanceof Error && e.message.includes(m))) return true
    if (e instanceof AggregateError && e.errors.some(isDatabaseUnavailable)) return true
  }
  return false
}
