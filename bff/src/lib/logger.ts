import pino from 'pino'
import type { DestinationStream, LogFn, Logger } from 'pino'
import { safeMessage, serializeError } from './log-errors'

/**
 * Paths that must never reach a log line, whatever a caller passes. Request logging logs no
 * headers or bodies at all; this list is the second line of defence.
 */
export const REDACT_PATHS = [
  'password',
  'token',
  'secret',
  'cookie',
  'authorization',
  'csrfToken',
  '*.password',
  '*.token',
  '*.secret',
  '*.cookie',
  '*.authorization',
  '*.csrfToken',
  'headers.cookie',
  'headers.authorization',
  'headers["set-cookie"]',
  'headers["x-csrf-token"]',
]

/**
 * `log.error(err)` would use the error's own message as the line's message: move the error under
 * `err` (where its serializer keeps no values) and use its safe message. Message strings lose any
 * statement parameters too.
 */
function logMethod(this: Logger, args: Parameters<LogFn>, method: LogFn): void {
  const [first, ...rest] = args as unknown[]
  if (first instanceof Error) {
    const safe = serializeError(first)
    const message = rest.length > 0 ? rest : [typeof safe === 'string' ? safe : safe.message]
    return method.apply(this, [{ err: first }, ...message] as never)
  }
  method.apply(this, args.map((arg) => (typeof arg === 'string' ? safeMessage(arg) : arg)) as never)
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'tg-bff' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    // Every `err` goes through one serializer that keeps no statement values (see log-errors.ts).
    serializers: { err: serializeError },
    hooks: { logMethod },
    formatters: { level: (label: string) => ({ level: label }) },
  }
  return destination ? pino(options, destination) : pino(options)
}
