// Keyset paging of the registry's lists: (time desc, id desc), compared at the millisecond the
// cursor carries (timestamps keep microseconds, ISO strings milliseconds).
import { sql } from 'drizzle-orm'
import type { AnyColumn, SQL } from 'drizzle-orm'
import { encodeKeysetCursor } from '@tg/contracts'
import { AppError } from '../../lib/errors'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export const toMs = (column: AnyColumn) => sql<Date>`date_trunc('milliseconds', ${column})`

/** The (time, id) a decoded cursor continues after; a cursor with other contents is 422. */
export function timeIdCursor(parts: string[] | undefined): { at: string; id: string } | undefined {
  if (!parts) return undefined
  const [at, id] = parts
  const date = new Date(at ?? '')
  if (Number.isNaN(date.getTime()) || date.toISOString() !== at || !UUID.test(id ?? ''))
    throw new AppError('VALIDATION_FAILED', 'The cursor is not valid.', {
      issues: [{ path: 'cursor', message: 'Use the nextCursor of a previous page, unchanged.' }],
    })
  return { at: at!, id: id! }
}

/** Rows after the cursor in (time desc, id desc) order. */
export function olderThan(time: SQL, id: AnyColumn, after: { at: string; id: string }): SQL {
  return sql`(${time} < ${after.at}::timestamptz or (${time} = ${after.at}::timestamptz and ${id} < ${after.id}::uuid))`
}

/** Splits `limit + 1` rows into a page and the cursor after its last row. */
export function keysetPage<Row, Item>(
  rows: Row[],
  limit: number,
  keyOf: (row: Row) => [Date, string],
  toItems: (rows: Row[]) => Item[],
): { items: Item[]; nextCursor: string | null } {
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  const key = last ? keyOf(last) : null
  return {
    items: toItems(page),
    nextCursor: rows.length > limit && key ? encodeKeysetCursor([key[0].toISOString(), key[1]]) : null,
  }
}
