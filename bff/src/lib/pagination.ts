import { and, eq, lt, or } from 'drizzle-orm'
import type { AnyColumn, SQL } from 'drizzle-orm'
import { AppError } from './errors'

type Cursor = { at: Date; id: string }

export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url')
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const SEQ = /^(0|[1-9]\d{0,14})$/

function invalidCursor(): AppError {
  return new AppError('VALIDATION_FAILED', 'The cursor is not valid.', {
    issues: [{ path: 'cursor', message: 'Use the nextCursor of a previous page, unchanged.' }],
  })
}

/** Parses what encodeCursor made, and only that: a forged cursor is 422, never a failed query. */
export function decodeCursor(cursor: string): Cursor {
  let decoded: unknown
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw invalidCursor()
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw invalidCursor()
  const [at, id] = decoded as [unknown, unknown]
  if (typeof at !== 'string' || !ISO_INSTANT.test(at) || typeof id !== 'string' || !UUID.test(id)) throw invalidCursor()
  const date = new Date(at)
  if (Number.isNaN(date.getTime()) || date.toISOString() !== at) throw invalidCursor()
  return { at: date, id }
}

/** A cursor that is a sequence number (audit entries, checkpoints): digits, no sign, safe integer. */
export function decodeSeqCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined
  if (!SEQ.test(cursor)) throw invalidCursor()
  return Number(cursor)
}

/** Keyset condition for "newest first" pages ordered by (createdAt desc, id desc). */
export function olderThan(cursor: string | undefined, createdAt: AnyColumn, id: AnyColumn): SQL | undefined {
  if (!cursor) return undefined
  const { at, id: lastId } = decodeCursor(cursor)
  return or(lt(createdAt, at), and(eq(createdAt, at), lt(id, lastId)))
}

/** Splits `limit + 1` fetched rows into a page and its next cursor. */
export function toPage<Row extends { createdAt: Date; id: string }, Item>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
): { items: Item[]; nextCursor: string | null } {
  const pageRows = rows.slice(0, limit)
  const last = pageRows.at(-1)
  return {
    items: pageRows.map(toItem),
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
  }
}
