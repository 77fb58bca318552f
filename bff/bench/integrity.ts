/**
 * `pnpm bench` (audit self-check part): what a self-check run costs as the log grows. The first
 * run of a process rehashes the whole log; later runs count the rows (every time) and rehash only
 * the rows added since. Option: BENCH_INTEGRITY_ENTRIES (default 100000), the larger log; the
 * smaller one is a tenth of it. A run over 1,000 new rows should cost about the same on both.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { createDatabase } from '../src/db/client'
import type { Database, DatabaseTarget } from '../src/db/client'
import { createLogger } from '../src/lib/logger'
import { createSealer } from '../src/lib/seal'
import { createAuditService } from '../src/modules/audit/service'
import type { AuditService } from '../src/modules/audit/service'
import { createPostgresDatabase } from '../src/test/harness'

const LARGE = Number(process.env.BENCH_INTEGRITY_ENTRIES ?? 100_000)
const NEW_ROWS = 1000

async function grow(database: Database, audit: AuditService, rows: number) {
  for (let left = rows; left > 0; left -= 10_000)
    await database.db.execute(
      sql.raw(`insert into audit_pending (actor_type, actor_name, action, resource_type, resource_id, outcome, details)
        select 'user', 'user' || (g % 50), 'bench.append', 'bench', 'r' || g, 'success', jsonb_build_object('n', g)
        from generate_series(1, ${Math.min(left, 10_000)}) g`),
    )
  await audit.drain()
}

async function timed(audit: AuditService) {
  const run = await audit.checkIntegrity()
  if (run.state.status !== 'ok') throw new Error(`self-check failed: ${run.state.finding?.message}`)
  return { seconds: run.seconds, rows: run.rows }
}

async function measure(target: DatabaseTarget) {
  const database = createDatabase(target, { timeoutMs: 60_000 })
  await database.migrate()
  const audit = createAuditService({
    db: database.db,
    sealer: createSealer('bench-key-master-0123456789abcdef-0123456789'),
    config: {
      origin: 'bench.example/audit',
      checkpointEvery: 1000,
      checkpointIntervalMs: 60_000,
      pinnedKeys: [],
      selfCheckIntervalMs: 3600_000,
      selfCheckFullIntervalMs: 3600_000_000,
    },
    log: createLogger('silent'),
  })
  await audit.initialize()
  const out: string[] = []
  let size = 1
  for (const target of [LARGE / 10, LARGE]) {
    await grow(database, audit, target - size)
    size = target
    const first = await timed(audit)
    await grow(database, audit, NEW_ROWS)
    size += NEW_ROWS
    const incremental = await timed(audit)
    const idle = await timed(audit)
    out.push(
      `${size} entries: a run over ${first.rows} unchecked rows ${first.seconds.toFixed(2)} s ` +
        `(${(first.rows / first.seconds).toFixed(0)} rows/s), a run over ${incremental.rows} new rows ` +
        `${(incremental.seconds * 1000).toFixed(0)} ms, a run with nothing new ${(idle.seconds * 1000).toFixed(0)} ms`,
    )
  }
  await database.close()
  return out
}

export async function runIntegrityBench(): Promise<void> {
  console.log(`\naudit self-check: a first (full) run, then runs over ${NEW_ROWS} new rows, at two log sizes`)
  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-integrity-'))
  for (const line of await measure({ kind: 'pglite', dir: join(dir, 'pglite') }))
    console.log(`  embedded PGlite, ${line}`)
  rmSync(dir, { recursive: true, force: true })
  const postgres = await createPostgresDatabase()
  if ('target' in postgres) {
    for (const line of await measure(postgres.target)) console.log(`  PostgreSQL, ${line}`)
    await postgres.drop()
  } else console.log(`  PostgreSQL: skipped (${postgres.skip})`)
}
