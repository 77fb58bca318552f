// Embedded PGlite runs PostgreSQL in single-user mode, where no autovacuum launcher exists: left
// alone, a table that is updated or emptied (the audit queue, live events, runs, sessions) grows
// by every dead row, the planner never gets statistics (every list plan is a guess on a database
// that was never analyzed), and transaction ids are never frozen. This is the launcher's job done
// in process: PostgreSQL's own thresholds (its autovacuum settings, read from the server) over
// its own counters (pg_stat_user_tables), one table at a time, so that a VACUUM, which holds
// PGlite's only connection while it runs, blocks requests for one table's time at most.
import { sql } from 'drizzle-orm'
import type { Db } from './client'

export type MaintenanceAction = 'vacuum' | 'analyze'
export type MaintenanceStep = { table: string; action: MaintenanceAction }

type DueRow = { relname: string; needs_vacuum: boolean }

/**
 * The tables of the public schema past PostgreSQL's autovacuum thresholds, most urgent first:
 * dead rows over `autovacuum_vacuum_threshold + scale factor x rows`, inserts since the last
 * vacuum over the insert threshold, changes since the last analyze over the analyze threshold;
 * and any table never analyzed (its row estimate is still -1), which covers counters lost in an
 * unclean stop. A vacuum here also analyzes.
 */
export async function dueMaintenance(db: Db): Promise<MaintenanceStep[]> {
  const result = (await db.execute(sql`
    with settings as (
      select current_setting('autovacuum_vacuum_threshold')::float8 as vacuum_base,
        current_setting('autovacuum_vacuum_scale_factor')::float8 as vacuum_scale,
        current_setting('autovacuum_vacuum_insert_threshold')::float8 as insert_base,
        current_setting('autovacuum_vacuum_insert_scale_factor')::float8 as insert_scale,
        current_setting('autovacuum_analyze_threshold')::float8 as analyze_base,
        current_setting('autovacuum_analyze_scale_factor')::float8 as analyze_scale
    ), tables as (
      select t.relname, greatest(c.reltuples, 0) as rows, c.reltuples < 0 as never_analyzed,
        t.n_dead_tup, t.n_ins_since_vacuum, t.n_mod_since_analyze, s.*
      from pg_stat_user_tables t join pg_class c on c.oid = t.relid cross join settings s
      where t.schemaname = 'public'
    ), judged as (
      select relname,
        n_dead_tup > vacuum_base + vacuum_scale * rows
          or (insert_base >= 0 and n_ins_since_vacuum > insert_base + insert_scale * rows) as needs_vacuum,
        never_analyzed or n_mod_since_analyze > analyze_base + analyze_scale * rows as needs_analyze,
        greatest(n_dead_tup / nullif(vacuum_base + vacuum_scale * rows, 0),
          n_mod_since_analyze / nullif(analyze_base + analyze_scale * rows, 0)) as urgency
      from tables
    )
    select relname, needs_vacuum from judged
    where needs_vacuum or needs_analyze
    order by needs_vacuum desc, urgency desc nulls last, relname
  `)) as unknown as { rows: DueRow[] }
  return result.rows.map((row) => ({ table: row.relname, action: row.needs_vacuum ? 'vacuum' : 'analyze' }))
}

/** Runs one step (VACUUM runs outside any transaction, as PostgreSQL requires). */
export async function runMaintenanceStep(db: Db, step: MaintenanceStep): Promise<void> {
  const table = sql.identifier(step.table)
  await db.execute(step.action === 'vacuum' ? sql`vacuum (analyze) public.${table}` : sql`analyze public.${table}`)
}

export type MaintenanceReport = MaintenanceStep & { ms: number }

/**
 * Checks every `intervalMs` (the first check at once) and runs the most urgent step due; while
 * more are due, the next check follows after nine times the step's own time (50 ms at least), so
 * that maintenance holds PGlite a tenth of the time at most and requests run between steps.
 * The returned stop waits for a step under way, so the database can be closed after it.
 */
export function startEmbeddedMaintenance(
  db: Db,
  options: { intervalMs?: number; onStep: (report: MaintenanceReport) => void; onError: (err: unknown) => void },
): () => Promise<void> {
  const intervalMs = options.intervalMs ?? 60_000
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  let isStopped = false
  const schedule = (ms: number) => {
    if (isStopped) return
    timer = setTimeout(() => {
      running = check().then(schedule, (err: unknown) => {
        options.onError(err)
        schedule(intervalMs)
      })
    }, ms)
    timer.unref()
  }
  const check = async (): Promise<number> => {
    const [step, ...rest] = await dueMaintenance(db)
    if (!step || isStopped) return intervalMs
    const started = performance.now()
    await runMaintenanceStep(db, step)
    const ms = Math.round(performance.now() - started)
    options.onStep({ ...step, ms })
    return rest.length > 0 ? Math.max(50, ms * 9) : intervalMs
  }
  schedule(0)
  return async () => {
    isStopped = true
    clearTimeout(timer)
    await running
  }
}
