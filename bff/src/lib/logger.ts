import pino from 'pino'
import type { DestinationStream, Logger } from 'pino'

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

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'tg-bff' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    formatters: { level: (label: string) => ({ level: label }) },
  }
  return destination ? pino(options, destination) : pino(options)
}
