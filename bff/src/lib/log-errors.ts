/**
 * The one way an error reaches a log line. Database errors carry the values of the failed
 * statement: Drizzle's message ends in "params: ..." (a new user's password hash, an API key's
 * hash), a PostgreSQL error's `detail` repeats key values ("Key (username)=(alice)", "Failing row
 * contains (...)") and its message may quote the offending input ('invalid input syntax for type
 * uuid: "..."'). Only safe fields are kept: the name, a message without values, the SQLSTATE
 * code and the names of the schema objects involved, the stack frames, and the causes.
 */

export type SafeError = {
  type: string
  message: string
  code?: string
  severity?: string
  schema?: string
  table?: string
  column?: string
  constraint?: string
  routine?: string
  stack?: string
  cause?: SafeError
}

const SQLSTATE = /^[0-9A-Z]{5}$/
const DB_NAME_FIELDS = ['severity', 'schema', 'table', 'column', 'constraint', 'routine'] as const
const MAX_DEPTH = 4

type ErrorLike = { name?: unknown; message: string; stack?: unknown; cause?: unknown; code?: unknown }

const isErrorLike = (value: unknown): value is ErrorLike =>
  value !== null && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string'

/** A PostgreSQL server error (node-postgres and PGlite both shape them so): SQLSTATE and severity. */
const isDatabaseError = (e: ErrorLike): e is ErrorLike & Record<(typeof DB_NAME_FIELDS)[number], unknown> =>
  typeof e.code === 'string' && SQLSTATE.test(e.code) && 'severity' in e

/** A message with no statement values: Drizzle's params cut off; a server error's quoted input too. */
export function safeMessage(message: string, isDatabase = false): string {
  const withoutParams = message.split('\nparams:')[0] as string
  // PostgreSQL puts the offending value after a colon ('... for type uuid: "x"', '...: 0x00').
  return isDatabase ? withoutParams.replace(/:\s[\s\S]*$/, '') : withoutParams
}

function safeStack(stack: unknown, head: string): string | undefined {
  if (typeof stack !== 'string') return undefined
  const frames = stack.split('\n').filter((line) => /^\s+at\s/.test(line))
  return [head, ...frames].join('\n')
}

function serialize(e: ErrorLike, depth: number): SafeError {
  const isDatabase = isDatabaseError(e)
  const type = typeof e.name === 'string' ? e.name : 'Error'
  const message = safeMessage(e.message, isDatabase)
  const out: SafeError = { type, message }
  if (isDatabase) {
    out.code = e.code as string
    for (const field of DB_NAME_FIELDS) if (typeof e[field] === 'string') out[field] = e[field]
  } else if (typeof e.code === 'string') out.code = e.code
  const stack = safeStack(e.stack, `${type}: ${message}`)
  if (stack) out.stack = stack
  if (depth < MAX_DEPTH && e.cause !== undefined) {
    const cause = serializeError(e.cause, depth + 1)
    if (typeof cause === 'object') out.cause = cause
  }
  return out
}

/** The `err` serializer of the logger: errors, error-like objects and strings alike. */
export function serializeError(value: unknown, depth = 0): SafeError | string {
  // String(err) of a PostgreSQL error reads "error: <server message>".
  if (typeof value === 'string')
    return value.startsWith('error: ') ? `error: ${safeMessage(value.slice(7), true)}` : safeMessage(value)
  if (isErrorLike(value)) return serialize(value, depth)
  return { type: typeof value, message: 'a thrown value that is not an error' }
}
