import { sql } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createDatabase } from './client'
import type { Database, Db } from './client'
import { dueMaintenance, runMaintenanceStep, startEmbeddedMaintenance } from './embedded-maintenance'
import type { MaintenanceReport } from './embedded-maintenance'

type StatRow = { n_dead_tup: number; reltuples: number; last_vacuum: string | null; last_analyze: string | null }

describe('embedded maintenance (PGlite has no autovacuum)', () => {
  let database: Database

  // One database for the file (a new PGlite costs seconds); each test's tables are dropped after it.
  beforeAll(async () => {
    database = createDatabase({ kind: 'pglite', dir: 'memory://' })
  }, 60_000)

  afterAll(async () => {
    await database.close()
  })

  beforeEach(async () => {
    await database.db.execute(sql`create table churn (id serial primary key, v text)`)
    await database.db.execute(sql`create table calm (id serial primary key, v text)`)
    // Every table starts analyzed, as after a first maintenance pass: the tests judge the counters.
    await database.db.execute(sql`analyze`)
    await flushStats()
  })

  afterEach(async () => {
    await database.db.execute(sql`drop table if exists churn, calm, fresh`)
    await flushStats()
  })

  /** Counters reach pg_stat_user_tables at most once a second unless a flush is forced. */
  async function flushStats() {
    await database.db.execute(sql`select pg_stat_force_next_flush()`)
    await database.db.execute(sql`select 1`)
  }

  async function stats(table: string): Promise<StatRow> {
    const result = (await database.db.execute(sql`
      select t.n_dead_tup::int as n_dead_tup, c.reltuples::int as reltuples, t.last_vacuum, t.last_analyze
      from pg_stat_user_tables t join pg_class c on c.oid = t.relid where t.relname = ${table}`)) as unknown as {
      rows: StatRow[]
    }
    return result.rows[0]!
  }

  /** A queue's life: rows in, most of them out again, as the audit queue and live events do. */
  async function churn(rounds: number) {
    for (let i = 0; i < rounds; i++) {
      await database.db.execute(sql`insert into churn (v) select 'row ' || g from generate_series(1, 200) g`)
      await database.db.execute(sql`delete from churn where id % 10 <> 0`)
    }
    await flushStats()
  }

  it('names nothing on a database at rest', async () => {
    expect(await dueMaintenance(database.db)).toEqual([])
  })

  it('vacuums a table past the dead-row threshold, which leaves it with no dead rows and due no more', async () => {
    await churn(10)
    expect((await stats('churn')).n_dead_tup).toBe(1800)
    expect(await dueMaintenance(database.db)).toEqual([{ table: 'churn', action: 'vacuum' }])
    await runMaintenanceStep(database.db, { table: 'churn', action: 'vacuum' })
    await flushStats()
    const after = await stats('churn')
    expect(after.n_dead_tup).toBe(0)
    expect(after.last_vacuum).not.toBeNull()
    expect(after.reltuples).toBe(200)
    expect(await dueMaintenance(database.db)).toEqual([])
  })

  it('analyzes a table changed past the analyze threshold, and one never analyzed', async () => {
    await database.db.execute(sql`insert into calm (v) select 'row ' || g from generate_series(1, 60) g`)
    await database.db.execute(sql`create table fresh (id int)`)
    await flushStats()
    const due = await dueMaintenance(database.db)
    expect(due).toEqual(
      expect.arrayContaining([
        { table: 'calm', action: 'analyze' },
        { table: 'fresh', action: 'analyze' },
      ]),
    )
    for (const step of due) await runMaintenanceStep(database.db, step)
    await flushStats()
    expect((await stats('calm')).reltuples).toBe(60)
    expect(await dueMaintenance(database.db)).toEqual([])
  })

  it('runs in the background one step at a time, reports each, and stops after the step under way', async () => {
    await churn(10)
    await database.db.execute(sql`insert into calm (v) select 'row ' || g from generate_series(1, 60) g`)
    await flushStats()
    const reports: MaintenanceReport[] = []
    const errors: unknown[] = []
    const stop = startEmbeddedMaintenance(database.db, {
      onStep: (report) => reports.push(report),
      onError: (err) => errors.push(err),
    })
    await expect.poll(() => reports.length, { timeout: 20_000 }).toBe(2)
    await stop()
    expect(errors).toEqual([])
    expect(reports.map(({ table, action }) => ({ table, action }))).toEqual([
      { table: 'churn', action: 'vacuum' },
      { table: 'calm', action: 'analyze' },
    ])
    expect(reports.every((r) => Number.isInteger(r.ms) && r.ms >= 0)).toBe(true)
    expect((await stats('churn')).n_dead_tup).toBe(0)
  }, 30_000)

  it('reports a failed check and keeps checking', async () => {
    const errors: unknown[] = []
    let checks = 0
    const failing = {
      execute: () => {
        checks++
        return Promise.reject(new Error('the database is closed'))
      },
    } as unknown as Db
    const stop = startEmbeddedMaintenance(failing, {
      intervalMs: 20,
      onStep: () => undefined,
      onError: (err) => errors.push(err),
    })
    await expect.poll(() => errors.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2)
    await stop()
    expect(String(errors[0])).toContain('the database is closed')
    const after = checks
    await new Promise((r) => setTimeout(r, 100))
    expect(checks).toBe(after) // stopped: no check after stop()
  })
})
