/**
 * `pnpm bench` (training part): round ingestion through the real HTTP API with server-side
 * accounting and the audit log on, on PGlite and PostgreSQL. Writers post rounds of their own run
 * (rounds of one run are serialised by its row lock; runs proceed in parallel), and the same
 * number of rounds into one run, as one agent would; each before (one transaction a round, the
 * audit sequencer behind) and after (group commit), in the same run. BENCH_TRAINING_ROUNDS
 * (default 1000). The agents run in their own process (`rounds-client.ts`); besides rounds/s the
 * bench prints the server's CPU time per round (this process's user + system time over the
 * ingestion, the accountant's worker threads included), which moves much less than rounds/s on
 * a shared machine.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DatabaseTarget } from '../src/db/client'
import { createPostgresDatabase } from '../src/test/harness'
import { startBff } from './http'

const ROUNDS = Number(process.env.BENCH_TRAINING_ROUNDS ?? 1000)
/** BENCH_TRAINING_TARGETS (pglite,postgres) and BENCH_TRAINING_RUNS (1,8): parts alone, for profiles. */
const TARGETS = (process.env.BENCH_TRAINING_TARGETS ?? 'pglite,postgres').split(',')
const RUN_COUNTS = (process.env.BENCH_TRAINING_RUNS ?? '1,8').split(',').map(Number)
/** BENCH_TRAINING_MODES (before,after): one transaction a round, group commit, or both. */
const MODES = (process.env.BENCH_TRAINING_MODES ?? 'before,after').split(',').map((m) => m === 'after')
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

type Ingested = { rate: number; cpuUsPerRound: number }

/** The agents' process: posts every run's rounds (one closed loop a run); its wall time. */
function postRoundsFromChild(input: {
  url: string
  headers: Record<string, string>
  runIds: string[]
  perRun: number
}) {
  const args = ['--import', 'tsx', 'bench/rounds-client.ts', JSON.stringify({ ...input, steps: 10 })]
  return new Promise<{ seconds: number; rounds: number }>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: new URL('..', import.meta.url),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')))
    child.once('error', reject)
    child.once('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as { seconds: number; rounds: number })
        : reject(new Error(`rounds client exited ${code}: ${err.slice(-800)}`)),
    )
  })
}

async function ingest(target: DatabaseTarget, runs: number, groupCommit = true): Promise<Ingested> {
  const bff = await startBff(target, { groupCommit })
  try {
    const perRun = Math.ceil(ROUNDS / runs)
    const runIds: string[] = []
    for (let r = 0; r < runs; r++) {
      const run = await post(bff.url, bff.headers, '/api/v1/training/runs', {
        name: `bench ${r}`,
        baseModel: 'bench',
        adapter: {},
        plannedRounds: perRun,
        stepsPerRound: 10,
        dp: DP,
      })
      runIds.push(run.id)
    }
    const cpu = process.cpuUsage()
    const { seconds, rounds } = await postRoundsFromChild({ url: bff.url, headers: bff.headers, runIds, perRun })
    const used = process.cpuUsage(cpu)
    return { rate: rounds / seconds, cpuUsPerRound: (used.user + used.system) / rounds }
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
  const results: Ingested[] = []
  for (const groupCommit of MODES) {
    const { target, close } = await open()
    try {
      results.push(await ingest(target, runs, groupCommit))
    } finally {
      await close()
    }
  }
  const line = (r: Ingested) => `${r.rate.toFixed(0)} rounds/s, server CPU ${r.cpuUsPerRound.toFixed(0)} µs a round`
  const [before, after] = MODES.length === 2 ? results : []
  if (before && after)
    console.log(
      `  ${label}, ${runs} run(s) in parallel: one transaction a round (before) ${line(before)}; ` +
        `group commit (after) ${line(after)}: ${(after.rate / before.rate).toFixed(2)}x rounds/s, ` +
        `${(before.cpuUsPerRound / after.cpuUsPerRound).toFixed(2)}x less CPU a round`,
    )
  else
    for (const [i, r] of results.entries())
      console.log(
        `  ${label}, ${runs} run(s) in parallel, ${MODES[i] ? 'group commit' : 'one transaction a round'}: ${line(r)}`,
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
