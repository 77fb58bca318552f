/**
 * `pnpm bench` (large lists part): the console's lists over a large embedded database. PGlite is
 * seeded with BENCH_LISTS_AUDIT audit entries (default 1,000,000), BENCH_LISTS_PACKAGES packages
 * (100,000) and BENCH_LISTS_RUNS training runs (10,000) in bulk SQL (`insert ... select
 * generate_series`; the audit rows go through the server's own sequencer, so the log and its tree
 * are real), then the real BFF answers over HTTP: the first page and a deep page (halfway, by cursor)
 * of the audit, packages and runs lists, unfiltered and with the filters the console offers; the
 * packages' and runs' deep cursors are reached by following nextCursor. Goal: a first page
 * under 50 ms. Each line is the median and the slowest of BENCH_LISTS_LOADS sequential requests
 * (default 7) after one warm-up; the seed time and the load average are printed.
 */
import { loadavg, tmpdir } from 'node:os'
import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import type { Db } from '../src/db/client'
import { dueMaintenance, runMaintenanceStep } from '../src/db/embedded-maintenance'
import type { MaintenanceReport } from '../src/db/embedded-maintenance'
import { sequenceBatch } from '../src/modules/audit/tree'
import { seedPackages, seedRuns } from '../src/test/list-seed'
import { startBff } from './http'

const AUDIT = Number(process.env.BENCH_LISTS_AUDIT ?? 1_000_000)
const PACKAGES = Number(process.env.BENCH_LISTS_PACKAGES ?? 100_000)
const RUNS = Number(process.env.BENCH_LISTS_RUNS ?? 10_000)
const LOADS = Number(process.env.BENCH_LISTS_LOADS ?? 7)
const CHUNK = 50_000

/** Audit records shaped like the server's: real action names, actors, resources and outcomes. */
async function seedAudit(db: Db, count: number) {
  for (let done = 0; done < count; done += CHUNK) {
    await db.execute(
      sql.raw(`insert into audit_pending (at, actor_type, actor_id, actor_name, action, resource_type, resource_id, outcome, request_id, client_ip, details)
        select now() - make_interval(secs => (${count} - g) * 0.5), 'user', 'u' || (g % 50), 'user' || (g % 50),
          (array['auth.sign_in', 'training.round_recorded', 'tgsp.package_uploaded', 'admin.user_updated', 'tgsp.release_promoted'])[1 + g % 5],
          (array['session', 'training_run', 'tgsp_package', 'user', 'tgsp_release'])[1 + g % 5], 'r' || (g % 10000),
          case when g % 97 = 0 then 'failure' else 'success' end, 'req-' || g, '10.0.' || (g % 250) || '.1',
          jsonb_build_object('n', g)
        from generate_series(${done + 1}, ${Math.min(done + CHUNK, count)}) g`),
    )
    while ((await sequenceBatch(db, 10_000)) > 0);
  }
}

/**
 * The steady state of a server that received these rows over time: its embedded maintenance
 * (`src/db/embedded-maintenance.ts`) vacuums and analyzes each table past its thresholds, one
 * table at a time. Returns the steps' count, total time and the longest step.
 */
async function maintainAsTheServerWould(db: Db) {
  const started = performance.now()
  let longest: MaintenanceReport = { table: 'none', action: 'analyze', ms: 0 }
  let steps = 0
  // Three passes at most: a step whose counters lag would otherwise be run again and again.
  for (
    let pass = 0, due = await dueMaintenance(db);
    pass < 3 && due.length > 0;
    pass++, due = await dueMaintenance(db)
  ) {
    for (const step of due) {
      const stepStarted = performance.now()
      await runMaintenanceStep(db, step)
      const ms = Math.round(performance.now() - stepStarted)
      if (ms > longest.ms) longest = { ...step, ms }
      steps++
    }
    await db.execute(sql`select pg_stat_force_next_flush()`)
  }
  return { steps, seconds: (performance.now() - started) / 1000, longest }
}

type Case = { name: string; path: string }

async function time(url: string, headers: Record<string, string>): Promise<number> {
  const started = performance.now()
  const res = await fetch(url, { headers })
  const body = await res.text()
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${body.slice(0, 300)}`)
  return performance.now() - started
}

/** The nextCursor halfway through a list, reached by following nextCursor 200 rows at a time. */
async function halfwayCursor(path: string, rows: number, bff: { url: string; headers: Record<string, string> }) {
  let cursor: string | null = null
  for (let seen = 0; seen < rows / 2; seen += 200) {
    const page = `${bff.url}${path}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    const res = await fetch(page, { headers: bff.headers })
    if (res.status !== 200) throw new Error(`${page}: ${res.status} ${await res.text()}`)
    cursor = ((await res.json()) as { nextCursor: string | null }).nextCursor
    if (cursor === null) throw new Error(`${path}: the list ended before row ${seen + 200}`)
  }
  return encodeURIComponent(cursor ?? '')
}

async function measure(c: Case, bff: { url: string; headers: Record<string, string> }) {
  await time(`${bff.url}${c.path}`, bff.headers)
  const ms: number[] = []
  for (let i = 0; i < LOADS; i++) ms.push(await time(`${bff.url}${c.path}`, bff.headers))
  ms.sort((a, b) => a - b)
  const median = ms[Math.floor(ms.length / 2)] ?? 0
  const goal = c.name.startsWith('first') ? (median < 50 ? '  (< 50 ms: met)' : '  (< 50 ms: NOT met)') : ''
  console.log(
    `  ${c.path.replace(/cursor=[^&]{20,}/, 'cursor=<halfway>').padEnd(72)} median ${median.toFixed(1).padStart(6)} ms, slowest ${(ms.at(-1) ?? 0).toFixed(1).padStart(6)} ms${goal}`,
  )
}

export async function runListsBench(): Promise<void> {
  console.log(
    `\nlarge lists (PGlite, ${AUDIT} audit entries, ${PACKAGES} packages, ${RUNS} runs, seeded in bulk SQL; ` +
      `median and slowest of ${LOADS} requests over HTTP; goal: first page < 50 ms)`,
  )
  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-lists-'))
  const bff = await startBff({ kind: 'pglite', dir: join(dir, 'pglite') })
  try {
    const db = bff.database.db
    const started = performance.now()
    await seedAudit(db, AUDIT)
    const auditSeconds = (performance.now() - started) / 1000
    await seedPackages(db, PACKAGES)
    await seedRuns(db, RUNS)
    const seedSeconds = (performance.now() - started) / 1000
    const maintenance = await maintainAsTheServerWould(db)
    console.log(
      `  seeded in ${seedSeconds.toFixed(1)} s (audit ${auditSeconds.toFixed(1)} s); the server's embedded maintenance then ` +
        `took ${maintenance.steps} steps, ${maintenance.seconds.toFixed(1)} s, the longest ${maintenance.longest.table} ` +
        `${maintenance.longest.action} ${maintenance.longest.ms} ms (PGlite held that long); ` +
        `load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
    )
    const deepAudit = Math.floor(AUDIT / 2)
    const pkgFirst = '/api/v1/tgsp/packages?limit=25'
    const runFirst = '/api/v1/training/runs?limit=25'
    const pkgHalfway = await halfwayCursor('/api/v1/tgsp/packages?sort=uploadedAt', PACKAGES, bff)
    const pkgByNameHalfway = await halfwayCursor('/api/v1/tgsp/packages?sort=modelName&order=asc', PACKAGES, bff)
    const runHalfway = await halfwayCursor('/api/v1/training/runs?sort=createdAt', RUNS, bff)
    const cases: Case[] = [
      { name: 'first', path: '/api/v1/audit/entries?limit=50' },
      { name: 'deep', path: `/api/v1/audit/entries?limit=50&cursor=${deepAudit}` },
      { name: 'first', path: '/api/v1/audit/entries?limit=50&action=auth.' },
      { name: 'first', path: '/api/v1/audit/entries?limit=50&outcome=failure' },
      { name: 'first', path: '/api/v1/audit/entries?limit=50&actor=user7' },
      { name: 'first', path: '/api/v1/audit/entries?limit=50&resourceType=tgsp_package&resourceId=r42' },
      { name: 'deep', path: `/api/v1/audit/entries?limit=50&outcome=failure&cursor=${deepAudit}` },
      { name: 'first', path: pkgFirst },
      { name: 'deep', path: `${pkgFirst}&sort=uploadedAt&cursor=${pkgHalfway}` },
      { name: 'first', path: `${pkgFirst}&status=signer_revoked` },
      { name: 'first', path: `${pkgFirst}&q=bench%20model%20123` },
      { name: 'first', path: `${pkgFirst}&label=team%3Dvision` },
      { name: 'first', path: `${pkgFirst}&baseModel=phi-3` },
      { name: 'first', path: `${pkgFirst}&sort=modelName&order=asc` },
      { name: 'deep', path: `${pkgFirst}&sort=modelName&order=asc&cursor=${pkgByNameHalfway}` },
      { name: 'first', path: `${pkgFirst}&sort=downloads&order=asc` },
      { name: 'first', path: runFirst },
      { name: 'deep', path: `${runFirst}&sort=createdAt&cursor=${runHalfway}` },
      { name: 'first', path: `${runFirst}&state=running` },
      { name: 'first', path: `${runFirst}&budget=near` },
      { name: 'first', path: `${runFirst}&tag=team%3Dvision` },
      { name: 'first', path: `${runFirst}&q=run%20123` },
      { name: 'first', path: `${runFirst}&sort=epsilonSpent` },
      { name: 'first', path: `${runFirst}&sort=lastReportAt&order=asc` },
    ]
    for (const c of cases) await measure(c, bff)
  } finally {
    await bff.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
