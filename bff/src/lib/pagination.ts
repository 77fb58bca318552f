import { sql } from 'drizzle-orm'
import type { AnyColumn, SQL } from 'drizzle-orm'
import { AppError } from './errors'

/**
 * A keyset position: the row's timestamp as the exact text PostgreSQL keeps (microseconds; a JS
 * Date would round it to the millisecond and a page boundary inside one millisecond would skip or
 * repeat rows) and the row's id.
 */
type Cursor = { at: string; id: string }

/** The full-precision UTC instant of a timestamptz column, as text a cursor carries unchanged. */
export const cursorAt = (column: AnyColumn | SQL) =>
  sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`

export function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url')
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(\d{3})?Z$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const SEQ = /^(0|[1-9]\d{0,14})$/

export function invalidCursor(message = 'The cursor is not valid.'): AppError {
  return new AppError('VALIDATION_FAILED', message, {
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
  if (typeof at !== 'string' || !isInstant(at) || typeof id !== 'string' || !UUID.test(id)) throw invalidCursor()
  return { at, id }
}

/** An instant as cursorAt writes it, and a real one: the millisecond part must exist (no 2026-02-31). */
export function isInstant(at: string): boolean {
  if (!INSTANT.test(at)) return false
  const date = new Date(at.slice(0, 23) + 'Z')
  return !Number.isNaN(date.getTime()) && date.toISOString() === at.slice(0, 23) + 'Z'
}

/** A cursor that is a sequence number (audit entries, checkpoints): digits, no sign, safe integer. */
export function decodeSeqCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined
  if (!SEQ.test(cursor)) throw invalidCursor()
  return Number(cursor)
}

/** Rows after a decoded position in (time desc, id desc) order, compared at full precision. */
export function olderThanPosition(time: AnyColumn | SQL, id: AnyColumn, after: Cursor): SQL {
  return sql`(${time}, ${id}) < (${after.at}::timestamptz, ${after.id}::uuid)`
}

/** Keyset condition for "newest first" pages ordered by (createdAt desc, id desc). */
export function olderThan(cursor: string | undefined, createdAt: AnyColumn, id: AnyColumn): SQL | undefined {
  if (!cursor) return undefined
  return olderThanPosition(createdAt, id, decodeCursor(cursor))
}

/** Splits `limit + 1` fetched rows (selected with `cursorAt: cursorAt(createdAt)`) into a page and its next cursor. */
export function toPage<Row extends { cursorAt: string; id: string }, Item>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
): { items: Item[]; nextCursor: string | null } {
  const pageRows = rows.slice(0, limit)
  const last = pageRows.at(-1)
  return {
    items: pageRows.map(toItem),
    nextCursor: rows.length > limit && last ? encodeCursor(last.cursorAt, last.id) : null,
  }
}
