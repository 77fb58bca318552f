import { sql } from 'drizzle-orm'
import type { AnyColumn, SQL, SQLWrapper } from 'drizzle-orm'
import type { Context, TypedResponse } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Executor } from '../db/client'
import { cursorAt, encodeCursor } from './pagination'

/**
 * A list page built by the database as JSON text, sent to the client as it comes.
 *
 * The platform's list routes used to select `limit + 1` rows, let the driver parse every column,
 * map each row to its contract item in JavaScript and serialize the page again (bench/NOTES.md,
 * "HTTP list route": the driver's parsing, drizzle's mapping and `JSON.stringify` were most of
 * a list request's CPU). Here the database renders each item with `row_to_json` (compact, keys in
 * the order given, like `JSON.stringify`) and joins them, so one row of four columns comes back.
 * The text is byte for byte what `JSON.stringify` made of the mapped page (`json-page.test.ts`
 * and each list's own test compare both).
 */

/** The text of a JSON value whose type is T: what a route sends as its body unchanged. */
export type JsonText<T> = string & { readonly __json?: T }

/** One item as compact JSON, its keys in this order (json_build_object would add spaces). */
export function jsonItem(fields: Record<string, SQLWrapper | AnyColumn>): SQL<string> {
  const columns = sql.join(
    Object.entries(fields).map(([name, value]) => sql`${value} as ${sql.identifier(name)}`),
    sql`, `,
  )
  return sql<string>`(select row_to_json(j) from (select ${columns}) as j)`
}

/**
 * An instant as `Date.prototype.toISOString` spells it: UTC, milliseconds truncated (as a Date
 * parsed from the column's microseconds is), null stays null.
 */
export const isoInstant = (column: AnyColumn | SQL): SQL<string | null> =>
  sql<string | null>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

/** The one row of a JSON page: the page's items as a JSON array, the rows fetched, the last item's position. */
export type JsonPageRow = { items: string; fetched: number; at: string | null; id: string | null }

/**
 * Aggregates a page query into one row. `rows` must select `item` (jsonItem), `t` (the sort
 * time) and `id`, ordered by (t desc, id desc) with `limit + 1` rows.
 */
export function jsonPageFields(limit: SQLWrapper | number) {
  return {
    items:
      sql<string>`'[' || coalesce(string_agg(p.item::text, ',' order by p.n) filter (where p.n <= ${limit}), '') || ']'`.as(
        'items',
      ),
    fetched: sql<number>`count(*)::int`.as('fetched'),
    // Only the last item's position is spelled out (to_char is not cheap on fifty rows).
    at: sql<string | null>`max(${cursorAt(sql`p.t`)}) filter (where p.n = ${limit})`.as('at'),
    id: sql<string | null>`max(p.id::text) filter (where p.n = ${limit})`.as('id'),
  }
}

/** The FROM of a JSON page: `rows` numbered in page order. */
export const jsonPageSource = (rows: SQLWrapper): SQL =>
  sql`(select q.*, row_number() over (order by q.t desc, q.id desc) as n from (${rows}) as q) as p`

/** The page's JSON text: `{"items":[...],"nextCursor":...}`, as `JSON.stringify(toPage(...))` spells it. */
export function toJsonPage<T>(row: JsonPageRow | undefined, limit: number): JsonText<T> {
  const items = row?.items ?? '[]'
  const next = row && row.fetched > limit && row.at && row.id ? JSON.stringify(encodeCursor(row.at, row.id)) : 'null'
  return `{"items":${items},"nextCursor":${next}}`
}

/**
 * Sends a JSON text as `c.json` would send its parsed value (same status and content type),
 * typed as that value's response so the route still answers its contract.
 */
export function sendJson<T, S extends ContentfulStatusCode>(c: Context, text: JsonText<T>, status: S) {
  return c.body(text, status, { 'content-type': 'application/json' }) as unknown as TypedResponse<T, S, 'json'>
}

type PreparedPage = { execute(values: Record<string, unknown>): Promise<JsonPageRow[]> }

/**
 * One prepared statement per filter shape of a list (which filters a query uses), built on first
 * use: drizzle no longer builds the SELECT on every request, and on PostgreSQL it is a named
 * statement that each pooled connection parses and plans once.
 */
export function preparedByShape<Q>(
  name: string,
  shapeOf: (query: Q) => string,
  build: (ex: Executor, query: Q) => { prepare(name: string): unknown },
): (ex: Executor, query: Q) => PreparedPage {
  const cache = new WeakMap<Executor, Map<string, PreparedPage>>()
  return (ex, query) => {
    let byShape = cache.get(ex)
    if (!byShape) cache.set(ex, (byShape = new Map()))
    const shape = shapeOf(query)
    let statement = byShape.get(shape)
    if (!statement) {
      statement = build(ex, query).prepare(`${name}_${shape || 'all'}`) as PreparedPage
      byShape.set(shape, statement)
    }
    return statement
  }
}
