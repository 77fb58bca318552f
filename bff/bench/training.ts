/**
 * `pnpm bench` (training part): round ingestion through the real HTTP API with server-side
 * accounting and the audit log on, on PGlite and PostgreSQL. Writers post rounds of their own run
 * (rounds of one run are serialised by its row lock; runs proceed in parallel), and the same
 * number of rounds into one run, as one agent would; each before (one transaction a round, the
 * audit sequencer behind) and after (group commit), in the same run. BENCH_TRAINING_ROUNDS
 * (default 1000).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DatabaseTarget } from '../src/db/client'
import { createPostgresDatabase } from '../src/test/harness'
import { startBff } from './http'
import { mixedRound } from './round-body'

const ROUNDS = Number(process.env.BENCH_TRAINING_ROUNDS ?? 1000)
/** BENCH_TRAINING_TARGETS (pglite,postgres) and BENCH_TRAINING_RUNS (1,8): parts alone, for profiles. */
const TARGETS = (process.env.BENCH_TRAINING_TARGETS ?? 'pglite,postgres').split(',')
const RUN_COUNTS = (process.env.BENCH_TRAINING_RUNS ?? '1,8').split(',').map(Number)
const DP = { noiseMultiplier: 1.1, clippingNorm: 1, sampleRate: 0.001, delta: 1e-5, epsilonBudget: 1000 }

async function post(url: string, headers: Record<string, string>, path: string, body: unknown) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`)
  return (await res.json()) as { id: string }
}

async function ingest(target: DatabaseTarget, runs: number, groupCommit = true) {
  const bff = await startBff(target, { groupCommit })
  try {
    const perRun = Math.ceil(ROUNDS / runs)
    const ids: string[] = []
    for (let r = 0; r < runs; r++) {
      const run = await post(bff.url, bff.headers, '/api/v1/training/runs', {
        name: `bench ${r}`,
        baseModel: 'bench',
        adapter: {},
        plannedRounds: perRun,
        stepsPerRound: 10,
        dp: DP,
      })
      ids.push(run.id)
    }
    const started = performance.now()
    await Promise.all(
      ids.map(async (runId) => {
        for (let index = 0; index < perRun; index++)
          await post(bff.url, bff.headers, `/api/v1/training/runs/${runId}/rounds`, mixedRound(index, 10))
      }),
    )
    const seconds = (performance.now() - started) / 1000
    return (perRun * runs) / seconds
  } finally {
    await bff.stop()
  }
}

/** Before (one transaction a round) and after (group commit), in this order, on fresh databases. */
async function beforeAndAfter(
  label: string,
  open: () => Promise<{ target: DatabaseTarget; close: () => Promise<void> }>,
  runs: number,
) {
  const rates: number[] = []
  for (const groupCommit of [false, true]) {
    const { target, close } = await open()
    try {
      rates.push(await ingest(target, runs, groupCommit))
    } finally {
      await close()
    }
  }
  const [before = NaN, after = NaN] = rates
  console.log(
    `  ${label}, ${runs} run(s) in parallel: ${before.toFixed(0)} rounds/s one transaction a round (before), ` +
      `${after.toFixed(0)} rounds/s group commit (after): ${(after / before).toFixed(2)}x`,
  )
}

export async function runTrainingBench() {
  console.log(`\nround ingestion through the API (accounting + audit on), ${ROUNDS} rounds each way`)
  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-training-'))
  let n = 0
  try {
    for (const runs of TARGETS.includes('pglite') ? RUN_COUNTS : [])
      await beforeAndAfter(
        'PGlite',
        async () => ({ target: { kind: 'pglite', dir: join(dir, `pglite-${n++}`) }, close: async () => undefined }),
        runs,
      )
    for (const runs of TARGETS.includes('postgres') ? RUN_COUNTS : []) {
      const probe = await createPostgresDatabase()
      if ('skip' in probe) {
        console.log(`  PostgreSQL skipped: ${probe.skip}`)
        break
      }
      await probe.drop()
      await beforeAndAfter(
        'PostgreSQL',
        async () => {
          const pg = await createPostgresDatabase()
          if ('skip' in pg) throw new Error(pg.skip)
          return { target: pg.target, close: pg.drop }
        },
        runs,
      )
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1]?.endsWith('training.ts')) await runTrainingBench()
