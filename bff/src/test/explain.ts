import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'

/** The query with its parameters written in as literals (EXPLAIN of a parameterised statement). */
export function inline(text: string, params: unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const value = params[Number(n) - 1]
    if (Buffer.isBuffer(value)) return `'\\x${value.toString('hex')}'::bytea`
    if (typeof value === 'number') return String(value)
    return `'${String(value).replace(/'/g, "''")}'`
  })
}

/** PostgreSQL's plan of a built drizzle query, as text. */
export async function explain(db: Db, query: { sql: string; params: unknown[] }): Promise<string> {
  const explained = (await db.execute(sql.raw(`explain ${inline(query.sql, query.params)}`))) as {
    rows: Array<{ 'QUERY PLAN': string }>
  }
  return explained.rows.map((r) => r['QUERY PLAN']).join('\n')
}
