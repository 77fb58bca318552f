import { and, eq, lt, or } from 'drizzle-orm'
import type { AnyColumn, SQL } from 'drizzle-orm'
import { AppError } from './errors'

type Cursor = { at: Date; id: string }

export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url')
}

export function decodeCursor(cursor: string): Cursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown]
    const date = new Date(String(at))
    if (typeof id !== 'string' || Number.isNaN(date.getTime())) throw new Error('bad cursor')
    return { at: date, id }
  } catch {
    throw new AppError('VALIDATION_FAILED', 'The cursor is not valid.', {
      issues: [{ path: 'cursor', message: 'Use the nextCursor of a previous page.' }],
    })
  }
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
