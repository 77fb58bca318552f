import fc from 'fast-check'
import { sql } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import type { AnyAppRoute } from '@tg/contracts'
import type { Harness, RequestOptions } from './harness'

// Hostile inputs for every route, generated from the route table and its zod schemas (the
// property suite in route-properties.test.ts), and what is observed of the answer.

type Schema = { safeParse(value: unknown): { success: boolean }; shape?: Record<string, unknown> }
type RouteRequest = {
  params?: Schema
  query?: Schema
  body?: { content?: Record<string, { schema: Schema } | undefined> }
}

/** A route's declared inputs: path parameters, query and the body schema of its media type. */
export function inputsOf(route: AnyAppRoute) {
  const request = ('request' in route ? route.request : undefined) as RouteRequest | undefined
  const content = request?.body?.content ?? {}
  const mediaType = Object.keys(content)[0]
  return {
    params: request?.params,
    query: request?.query,
    mediaType,
    body: mediaType ? content[mediaType]?.schema : undefined,
    paramNames: [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string),
    queryNames: Object.keys(request?.query?.shape ?? {}),
    bodyNames: Object.keys(content[mediaType ?? '']?.schema.shape ?? {}),
  }
}

export const WELL_FORMED_ID = '00000000-0000-4000-8000-000000000000'
const DEEP = 10_000

/** Strings no identifier, number, enum, date or cursor takes. */
const HOSTILE_STRINGS = [
  '',
  ' ',
  'NaN',
  'Infinity',
  '-Infinity',
  '-1',
  '1e309',
  '-1e309',
  '0.5',
  '1.5e3',
  '9007199254740993',
  '0x10',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  '../../../etc/passwd',
  "'; drop table users; --",
  'a\u0000b',
  '\ud800',
  '\uffff\ufffe',
  '00000000-0000-4000-8000-00000000000g',
  `${WELL_FORMED_ID},${WELL_FORMED_ID}`,
]

export const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 24, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.integer({ min: 2_000, max: 20_000 }).map((n) => 'x'.repeat(n)) },
)

const nested = (depth: number, leaf: unknown): unknown => {
  let value = leaf
  for (let i = 0; i < depth; i++) value = { a: value }
  return value
}

/** JSON values of the wrong type, out of range or beyond any cap. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, -0.5, 1.5, 1e308, -1e308, 2 ** 53 + 2, [], {}, [null]),
  hostileString,
  fc.double({ noNaN: true }),
  fc.integer(),
  fc.array(fc.integer(), { minLength: 5_000, maxLength: 6_000 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 100, max: 1_000 }).map((depth) => nested(depth, 'leaf')),
)

/** Keys that pollute prototypes when merged carelessly. */
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const

/** An object with own properties named like prototype keys (a literal `__proto__:` would set the prototype). */
export function withOwnKeys(entries: Array<[string, unknown]>): Record<string, unknown> {
  const target: Record<string, unknown> = {}
  for (const [key, value] of entries)
    Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true })
  return target
}

/** A body, sent as JSON text or as raw bytes. */
export type HostileBody = { json: unknown } | { raw: Uint8Array; contentType?: string }

const utf8 = (text: string) => new TextEncoder().encode(text)

/** Raw bodies: invalid UTF-8, NUL bytes, truncated JSON, 10,000 and 30,000 levels of nesting. */
export const RAW_BODIES: HostileBody[] = [
  { raw: Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]) },
  { raw: Uint8Array.from([0xff, 0xfe, 0xfd]) },
  { raw: Uint8Array.from([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x3a, 0x31, 0x7d]) },
  { raw: utf8('{"a":"\u0000"}') },
  { raw: Uint8Array.from([0x7b, 0x00, 0x7d]) },
  { raw: utf8('{"name":') },
  { raw: utf8('') },
  { raw: utf8('{"a":1}{"b":2}') },
  { raw: utf8('[1,2,') },
  { raw: utf8('1e309') },
  { raw: utf8('"\\ud800"') },
  { raw: utf8(`${'['.repeat(DEEP)}${']'.repeat(DEEP)}`) },
  { raw: utf8(`${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}`) },
  { raw: utf8(`${'['.repeat(30_000)}${']'.repeat(30_000)}`) },
  { raw: utf8(`{"a":"${'x'.repeat(70 * 1024)}"}`) },
  {
    raw: utf8('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{}}'),
  },
  { raw: utf8('{}'), contentType: 'text/plain' },
  { raw: utf8('{}'), contentType: 'application/x-www-form-urlencoded' },
  { raw: utf8('a=1&b=2'), contentType: 'multipart/form-data; boundary=x' },
]

/** A query string with each value percent-encoded (repeated keys arrive as repeated pairs). */
export function queryString(query: Array<[string, string]>): string {
  return query.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&')
}

/** Percent-encodes as `encodeURIComponent`, but a lone surrogate as its (invalid) 3 UTF-8-like bytes. */
export function percentEncode(value: string): string {
  let out = ''
  for (const char of value) {
    const code = char.codePointAt(0) as number
    if (code >= 0xd800 && code <= 0xdfff)
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('')
    else out += encodeURIComponent(char)
  }
  return out
}

/** One request's observed answer; `hung` when no answer came within the timeout. */
export type Observed = { status: number; text: string; hung: boolean }

/** Sends through the real app and gives up after `timeoutMs` (a hang is an answer of its own). */
export async function sendWithin(
  h: Harness,
  timeoutMs: number,
  method: string,
  path: string,
  options: RequestOptions,
): Promise<Observed> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<Observed>((resolve) => {
    timer = setTimeout(() => resolve({ status: 0, text: '', hung: true }), timeoutMs)
  })
  const answer = (async () => {
    const res = await h.request(method, path, options)
    return { status: res.status, text: await res.text(), hung: false }
  })()
  try {
    return await Promise.race([answer, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Whether the answer is the API's error envelope `{error:{code,message,requestId}}`. */
export function isErrorEnvelope(text: string): boolean {
  try {
    const { error } = JSON.parse(text) as { error?: Record<string, unknown> }
    return typeof error?.code === 'string' && typeof error.message === 'string' && typeof error.requestId === 'string'
  } catch {
    return false
  }
}

/** The number of rows of every table of the database (the audit log sequenced first). */
export async function rowCounts(h: Harness): Promise<Record<string, number>> {
  await h.services.audit.drain()
  const rowsOf = async <T>(query: SQL) => ((await h.database.db.execute(query)) as unknown as { rows: T[] }).rows
  const tables = (
    await rowsOf<{ name: string }>(
      sql`select quote_ident(table_schema) || '.' || quote_ident(table_name) as name from information_schema.tables
          where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
          order by 1`,
    )
  ).map((r) => r.name)
  const counting = tables.map((name) => `select '${name}' as name, count(*)::int as n from ${name}`).join(' union all ')
  const rows = await rowsOf<{ name: string; n: number }>(sql.raw(counting))
  return Object.fromEntries(rows.map((r) => [r.name, r.n]))
}

/** The tables whose row count differs, with both counts. */
export function changedTables(before: Record<string, number>, after: Record<string, number>) {
  const names = new Set([...Object.keys(before), ...Object.keys(after)])
  return Object.fromEntries(
    [...names].filter((n) => before[n] !== after[n]).map((n) => [n, { before: before[n], after: after[n] }]),
  )
}
