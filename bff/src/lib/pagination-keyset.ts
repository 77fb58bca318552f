import { createHash } from 'node:crypto'
import { asc, desc, sql } from 'drizzle-orm'
import type { AnyColumn, SQL } from 'drizzle-orm'
import { cursorAt, invalidCursor, isInstant } from './pagination'

/**
 * Keyset pages over a list the caller sorts by one of several columns (packages, runs): the order
 * is (sort column, id), both in the asked direction, and a cursor is the last row's (sort value,
 * id). The sort value travels as the exact text PostgreSQL gives for it (microseconds for a
 * timestamp, shortest exact digits for a double), so no row is skipped or repeated at a page
 * boundary. A cursor also carries a digest of the sort, the direction and the filters it was made
 * for: used with anything else it is refused (422), never read as a position in another order.
 */

/** How a sort column's value is carried in a cursor and compared back in SQL. */
export type KeysetKind = 'timestamp' | 'text' | 'bigint' | 'double'

export type KeysetSort = {
  column: AnyColumn
  kind: KeysetKind
  /** A column that can be null: its nulls come last in both directions. */
  nullable?: boolean
}

type Position = { value: string | null; id: string }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const BIGINT = /^-?(0|[1-9]\d{0,18})$/
const DOUBLE = /^-?(\d+(\.\d+)?([eE][+-]?\d+)?)$/
const TEXT_MAX = 2000

/** The binding of a cursor: the list, its sort, direction and every filter, as a short digest. */
export function keysetScope(list: string, query: Record<string, unknown>): string {
  const entries = Object.entries(query)
    .filter(([key, value]) => key !== 'cursor' && key !== 'limit' && value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return createHash('sha256')
    .update(JSON.stringify([list, entries]))
    .digest('base64url')
    .slice(0, 16)
}

/** The sort value of a row as the text its cursor carries (select it beside the row). */
export function keysetValue(sort: KeysetSort): SQL<string | null> {
  if (sort.kind === 'timestamp') return cursorAt(sort.column) as SQL<string | null>
  return sql<string | null>`${sort.column}::text`
}

export function encodeKeysetCursor(scope: string, value: string | null, id: string): string {
  return Buffer.from(JSON.stringify([scope, value, id])).toString('base64url')
}

function isValue(kind: KeysetKind, value: string): boolean {
  switch (kind) {
    case 'timestamp':
      return isInstant(value)
    case 'bigint':
      return BIGINT.test(value)
    case 'double':
      return DOUBLE.test(value) && Number.isFinite(Number(value))
    case 'text':
      return value.length <= TEXT_MAX
  }
}

/** Parses what encodeKeysetCursor made for this scope, and only that: anything else is 422. */
export function decodeKeysetCursor(cursor: string, scope: string, sort: KeysetSort): Position {
  let decoded: unknown
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw invalidCursor()
  }
  if (!Array.isArray(decoded) || decoded.length !== 3) throw invalidCursor()
  const [boundTo, value, id] = decoded as [unknown, unknown, unknown]
  if (typeof boundTo !== 'string' || typeof id !== 'string' || !UUID.test(id)) throw invalidCursor()
  if (boundTo !== scope)
    throw invalidCursor('The cursor belongs to another sort or other filters: start again from the first page.')
  if (value === null) {
    if (!sort.nullable) throw invalidCursor()
    return { value, id }
  }
  if (typeof value !== 'string' || !isValue(sort.kind, value)) throw invalidCursor()
  return { value, id }
}

const CASTS: Record<KeysetKind, SQL> = {
  timestamp: sql.raw('timestamptz'),
  text: sql.raw('text'),
  bigint: sql.raw('bigint'),
  double: sql.raw('double precision'),
}

/**
 * The rows after a position in (sort, id) order. On a NOT NULL column this is one row comparison,
 * which the (column, id) index answers as a range. Nulls come last: after a non-null position come
 * the greater (or lesser) values and then every null; after a null position, the nulls past its id.
 */
export function afterPosition(sort: KeysetSort, order: 'asc' | 'desc', id: AnyColumn, after: Position): SQL {
  const compare = order === 'asc' ? sql.raw('>') : sql.raw('<')
  if (after.value === null) return sql`(${sort.column} is null and ${id} ${compare} ${after.id}::uuid)`
  const past = sql`(${sort.column}, ${id}) ${compare} (${after.value}::${CASTS[sort.kind]}, ${after.id}::uuid)`
  return sort.nullable ? sql`(${past} or ${sort.column} is null)` : past
}

/** ORDER BY of the list: the sort column (nulls last when it can be null), then the id. */
export function keysetOrder(sort: KeysetSort, order: 'asc' | 'desc', id: AnyColumn): SQL[] {
  const direction = order === 'asc' ? asc : desc
  const first = sort.nullable ? sql`${direction(sort.column)} nulls last` : direction(sort.column)
  return [first, direction(id)]
}

/** The keyset condition of a page, or undefined on the first page. */
export function keysetCondition(
  sort: KeysetSort,
  order: 'asc' | 'desc',
  id: AnyColumn,
  scope: string,
  cursor: string | undefined,
): SQL | undefined {
  if (cursor === undefined) return undefined
  return afterPosition(sort, order, id, decodeKeysetCursor(cursor, scope, sort))
}

/** Splits `limit + 1` rows (each with its `sortValue` and `id`) into a page and its next cursor. */
export function toKeysetPage<Row extends { sortValue: string | null; id: string }, Item>(
  rows: Row[],
  limit: number,
  scope: string,
  toItems: (rows: Row[]) => Item[],
): { items: Item[]; nextCursor: string | null } {
  const pageRows = rows.slice(0, limit)
  const last = pageRows.at(-1)
  return {
    items: toItems(pageRows),
    nextCursor: rows.length > limit && last ? encodeKeysetCursor(scope, last.sortValue, last.id) : null,
  }
}
