import { sql } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { createDatabase } from '../../db/client'
import { explain } from '../../test/explain'
import { createPostgresDatabase } from '../../test/harness'
import { entriesQuery } from './repo'

// The search for one entry by its leaf hash must not scan the log: on PostgreSQL, with a log of
// 20,000 entries and fresh statistics, the plan of the console's hash search uses the index.
const postgres = await createPostgresDatabase()
if ('skip' in postgres) console.warn(`[hash-index.test] PostgreSQL tests skipped: ${postgres.skip}`)
const database = 'target' in postgres ? createDatabase(postgres.target) : null
afterAll(async () => {
  await database?.close()
  if ('drop' in postgres) await postgres.drop()
})

describe.skipIf(!database)('audit hash search on PostgreSQL', () => {
  it('EXPLAIN of the search by leaf hash uses audit_log_leaf_hash_idx, not a scan of the log', async () => {
    const { db } = database!
    await database!.migrate()
    await db.execute(sql`
      insert into audit_log (seq, at, actor_type, action, resource_type, outcome, canonical, leaf_hash)
      select n, now(), 'system', 'test.seeded', 'test', 'success', '{}', sha256(int8send(n))
      from generate_series(0, 19999) as n`)
    await db.execute(sql`analyze audit_log`)
    const hash = '5f2d1e0c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d9c0b1a2f3e'
    const plan = await explain(db, entriesQuery(db, {}, 50, undefined, { hash }).toSQL())
    expect(plan).toContain('audit_log_leaf_hash_idx')
    expect(plan).not.toMatch(/Seq Scan on audit_log/)
  })
})
