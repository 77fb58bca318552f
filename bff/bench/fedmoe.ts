/**
 * `pnpm bench` (FedMoE part), on PGlite and on PostgreSQL (a database of its own, dropped after),
 * through the real HTTP API:
 * - gate evaluation (`fedmoe.checkGate`) of a version with BENCH_FEDMOE_ITEMS evidence items
 *   (default 10,000: metric results over 20 benchmarks, simulations, reviews by 40 reviewers,
 *   real-world trials), against a policy with three metric rules, the simulation rates and approvals;
 * - the arena over 4 versions with BENCH_FEDMOE_TRACES traces each (default 10,000), ingested through
 *   the API: `fedmoe.compareVersions`, and pages of `fedmoe.compareTraces` (all inputs, disagreements,
 *   failures; the first page and one from the middle).
 * Figures are medians of BENCH_FEDMOE_RUNS requests (default 20) after 3 warm-up requests.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import type { DatabaseTarget } from '../src/db/client'
import { createPostgresDatabase } from '../src/test/harness'
import { startBff } from './http'

const ITEMS = Number(process.env.BENCH_FEDMOE_ITEMS ?? 10_000)
const TRACES = Number(process.env.BENCH_FEDMOE_TRACES ?? 10_000)
const RUNS = Number(process.env.BENCH_FEDMOE_RUNS ?? 20)

type Bff = Awaited<ReturnType<typeof startBff>>

async function call(bff: Bff, method: string, path: string, body?: unknown) {
  const res = await fetch(`${bff.url}${path}`, {
    method,
    headers: { ...bff.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  return (await res.json()) as Record<string, unknown>
}

async function median(run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await run()
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now()
    await run()
    times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]!
}

async function family(bff: Bff, name: string, versions: string[]) {
  const { id } = (await call(bff, 'POST', '/api/v1/fedmoe/experts', { name, baseModel: 'openvla-7b' })) as {
    id: string
  }
  const ids: string[] = []
  for (const version of versions)
    ids.push(((await call(bff, 'POST', `/api/v1/fedmoe/experts/${id}/versions`, { version })) as { id: string }).id)
  return { id, ids }
}

/** ITEMS evidence rows of a mixed history, written in SQL (the bench times the gate, not the ingest). */
async function seedEvidence(bff: Bff, expertId: string, versionId: string) {
  await bff.database.db.execute(sql`
      insert into expert_evidence (expert_id, version_id, type, digest, body, summary, benchmark, n_samples, metrics, created_at, created_by_user)
      select ${expertId}::uuid, ${versionId}::uuid, e.type, 'sha256:' || encode(sha256(convert_to(e.body::text, 'UTF8')), 'hex'),
        e.body, e.body, e.body->>'benchmark', (e.body->>'n_samples')::int, e.body->'metrics',
        now() - make_interval(secs => ${ITEMS} - g), 'bench'
      from generate_series(1, ${ITEMS}) g
      cross join lateral (select case
        when g % 10 < 6 then jsonb_build_object('type', 'EVAL_RESULT', 'benchmark', 'bench-' || (g % 20), 'split', 'test',
          'n_samples', 100 + g % 50, 'metrics', jsonb_build_object('success_rate', (g % 100) / 100.0, 'latency_ms', g % 40))
        when g % 10 < 8 then jsonb_build_object('type', 'SIM_SUCCESS', 'simulator', 'isaac', 'scenario', 's' || (g % 7),
          'episodes', 10 + g % 5, 'success_rate', 0.9, 'collision_rate', 0.01)
        when g % 10 = 8 then jsonb_build_object('type', 'PEER_REVIEW', 'reviewer', 'r' || (g % 40),
          'verdict', case when g % 3 = 0 then 'changes' else 'approve' end, 'comments', '')
        else jsonb_build_object('type', 'REAL_WORLD_VLD', 'site', 'lab', 'robot', 'franka', 'trials', 20,
          'success_rate', 0.8, 'incidents', 0) end as body) b
      cross join lateral (select b.body->>'type' as type, b.body) e`)
}

async function benchGate(bff: Bff) {
  const { id, ids } = await family(bff, 'bench-gate', ['1.0.0'])
  await seedEvidence(bff, id, ids[0]!)
  const rule = (n: number) => ({ benchmark: `bench-${n}`, metric: 'success_rate', min: 0.1, minSamples: 50 })
  await call(bff, 'PUT', `/api/v1/fedmoe/experts/${id}/gate-policy`, {
    reason: 'bench',
    policy: {
      minMetrics: [rule(1), rule(7), rule(13)],
      beatDeployed: { benchmark: 'bench-1', metric: 'success_rate', margin: 0, minSamples: 50, higherIsBetter: true },
      minSimSuccessRate: 0.8,
      maxCollisionRate: 0.05,
      minApprovals: 3,
      allowRejections: false,
    },
  })
  const path = `/api/v1/fedmoe/experts/${id}/versions/${ids[0]}/gate-check`
  const gate = (await call(bff, 'POST', path)) as { passed: boolean; rules: unknown[] }
  const ms = await median(() => call(bff, 'POST', path))
  return `gate evaluation over ${ITEMS} evidence items (${gate.rules.length} rules, passed: ${gate.passed}): ${ms.toFixed(1)} ms`
}

const traceOf = (v: number, i: number) => ({
  input: { task: `task-${i}`, image: `frame-${i % 97}` },
  output: { action: [i % 11, v === 0 || i % (v + 3) !== 0 ? 0.5 : 0.25] },
  expected: { action: [i % 11, 0.5] },
  score: ((i * (v + 1)) % 100) / 100,
  latency_ms: 20 + ((i + v) % 30),
})

async function benchArena(bff: Bff) {
  const { id, ids } = await family(bff, 'bench-arena', ['1.0.0', '1.1.0', '1.2.0', '1.3.0'])
  const ingestTimes: number[] = []
  for (const [v, versionId] of ids.entries()) {
    const started = performance.now()
    await call(bff, 'POST', `/api/v1/fedmoe/experts/${id}/versions/${versionId}/evidence`, {
      type: 'EVAL_RESULT',
      benchmark: 'libero',
      split: 'test',
      n_samples: TRACES,
      metrics: { success_rate: 0.6 + v * 0.05, latency_ms: 40 - v },
      traces: Array.from({ length: TRACES }, (_, i) => traceOf(v, i)),
    })
    ingestTimes.push(performance.now() - started)
  }
  const versions = `versions=${ids.join(',')}&benchmark=libero`
  const lines = [
    `ingest of one item with ${TRACES} traces: ${(ingestTimes.reduce((a, b) => a + b, 0) / ingestTimes.length).toFixed(0)} ms`,
  ]
  const compare = await median(() => call(bff, 'GET', `/api/v1/fedmoe/experts/${id}/arena?${versions}`))
  lines.push(`arena comparison of 4 versions x ${TRACES} traces: ${compare.toFixed(1)} ms`)
  for (const filter of ['all', 'disagreements', 'failures']) {
    const base = `/api/v1/fedmoe/experts/${id}/arena/traces?${versions}&filter=${filter}&failuresBelow=0.1&limit=50`
    const first = (await call(bff, 'GET', base)) as { nextCursor: string | null }
    let middle: string | null = first.nextCursor
    for (let page = 0; page < 20 && middle; page++)
      middle = ((await call(bff, 'GET', `${base}&cursor=${middle}`)) as { nextCursor: string | null }).nextCursor
    const firstMs = await median(() => call(bff, 'GET', base))
    const middleMs = middle ? await median(() => call(bff, 'GET', `${base}&cursor=${middle}`)) : null
    lines.push(
      `aligned traces, ${filter}, 50 a page: first page ${firstMs.toFixed(1)} ms` +
        (middleMs === null ? '' : `, page 22 ${middleMs.toFixed(1)} ms`),
    )
  }
  return lines
}

async function onTarget(label: string, target: DatabaseTarget) {
  const bff = await startBff(target)
  try {
    console.log(`  ${label}: ${await benchGate(bff)}`)
    for (const line of await benchArena(bff)) console.log(`  ${label}: ${line}`)
  } finally {
    await bff.stop()
  }
}

export async function runFedmoeBench() {
  console.log(`\nFedMoE gate and arena through the API (medians of ${RUNS} requests)`)
  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-fedmoe-'))
  try {
    await onTarget('PGlite', { kind: 'pglite', dir: join(dir, 'pglite') })
    const pg = await createPostgresDatabase()
    if ('skip' in pg) console.log(`  PostgreSQL skipped: ${pg.skip}`)
    else
      try {
        await onTarget('PostgreSQL', pg.target)
      } finally {
        await pg.drop()
      }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1]?.endsWith('fedmoe.ts')) await runFedmoeBench()
