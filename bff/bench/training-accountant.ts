/**
 * `pnpm bench` (training accountant part): one agent reports BENCH_ACCOUNTANT_ROUNDS rounds
 * (default 10,000) into one run through the real HTTP API on the embedded PGlite (or, with
 * BENCH_ACCOUNTANT_DB=postgres, on a database of its own on the local PostgreSQL), every round with
 * a (sampling rate, noise) pair of its own, all legal. Prints the report time (median, p95) of
 * the first and the last 1,000 rounds and their ratio, and /healthz latency (median, p95) asked
 * by a second client while the agent posts versus idle, with the ratio. Both clients run in
 * worker threads of their own, so that the server's event loop does only the server's work.
 * Takes about 14 minutes at the default on a busy 2-core machine (10,000 reports at 30-70 ms);
 * BENCH_ACCOUNTANT_ROUNDS=2000 about 2 minutes.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { DatabaseTarget } from '../src/db/client'
import { createPostgresDatabase } from '../src/test/harness'
import { startBff } from './http'

const ROUNDS = Number(process.env.BENCH_ACCOUNTANT_ROUNDS ?? 10_000)
const WINDOW = Math.min(1000, Math.floor(ROUNDS / 2))
const HEALTH_PAUSE_MS = 20
const IDLE_HEALTH_SAMPLES = 300
const ON_POSTGRES = process.env.BENCH_ACCOUNTANT_DB === 'postgres'

type ClientData = { mode: 'agent' | 'health'; url: string; headers: Record<string, string>; runId?: string }

function startClient(data: ClientData & { rounds?: number; pauseMs?: number }) {
  const worker = new Worker(new URL('./agent-client.mjs', import.meta.url), { workerData: data })
  const done = new Promise<{ times: number[]; at: number[]; failures: number }>((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
  })
  return { stop: () => worker.postMessage('stop'), done: done.finally(() => worker.terminate()) }
}

const quantile = (values: readonly number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
}
const stats = (values: readonly number[]) => ({ median: quantile(values, 0.5), p95: quantile(values, 0.95) })
const ms = (value: number) => `${value.toFixed(1).padStart(7)} ms`
const line = (name: string, s: { median: number; p95: number }) =>
  `  ${name.padEnd(34)} median ${ms(s.median)}  p95 ${ms(s.p95)}`

async function postJson(url: string, headers: Record<string, string>, path: string, body: unknown) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`)
  return (await res.json()) as Record<string, unknown>
}

/** Idle /healthz: IDLE_HEALTH_SAMPLES answers with nothing else going on. */
async function idleHealth(url: string) {
  const client = startClient({ mode: 'health', url, headers: {}, pauseMs: HEALTH_PAUSE_MS })
  await new Promise((resolve) => setTimeout(resolve, IDLE_HEALTH_SAMPLES * (HEALTH_PAUSE_MS + 1)))
  client.stop()
  return client.done
}

/** The database the bench runs on, and how to remove it. */
async function openTarget(): Promise<{ target: DatabaseTarget; drop: () => Promise<void> } | { skip: string }> {
  if (ON_POSTGRES) return createPostgresDatabase()
  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-accountant-'))
  return { target: { kind: 'pglite', dir: join(dir, 'pglite') }, drop: async () => rmSync(dir, { recursive: true }) }
}

export async function runTrainingAccountantBench() {
  const where = ON_POSTGRES ? 'PostgreSQL' : 'PGlite'
  console.log(`\naccountant under one agent: ${ROUNDS} rounds, each with its own (sampling rate, noise), ${where}`)
  const opened = await openTarget()
  if ('skip' in opened) return console.log(`  skipped: ${opened.skip}`)
  const bff = await startBff(opened.target)
  const started = performance.now()
  try {
    const run = await postJson(bff.url, bff.headers, '/api/v1/training/runs', {
      name: 'bench varied settings',
      baseModel: 'bench',
      adapter: {},
      plannedRounds: ROUNDS,
      stepsPerRound: 1,
      dp: { noiseMultiplier: 1, clippingNorm: 1, sampleRate: 0.01, delta: 1e-5, epsilonBudget: 1000 },
    })
    const runId = String(run.id)
    const key = await postJson(bff.url, bff.headers, `/api/v1/training/runs/${runId}/agent-keys`, { name: 'agent' })
    const idle = await idleHealth(bff.url)
    const health = startClient({ mode: 'health', url: bff.url, headers: {}, pauseMs: HEALTH_PAUSE_MS })
    const agent = startClient({
      mode: 'agent',
      url: bff.url,
      headers: { authorization: `Bearer ${String(key.secret)}` },
      runId,
      rounds: ROUNDS,
    })
    const { times: reports, at: reportedAt } = await agent.done
    health.stop()
    const { times: busy, at: askedAt, failures } = await health.done
    const first = stats(reports.slice(0, WINDOW))
    const last = stats(reports.slice(-WINDOW))
    console.log(line(`report, first ${WINDOW} rounds`, first))
    console.log(line(`report, last ${WINDOW} rounds`, last))
    console.log(
      `  ratio last/first: median ${(last.median / first.median).toFixed(2)}, p95 ${(last.p95 / first.p95).toFixed(2)}`,
    )
    const calm = stats(idle.times)
    const loaded = stats(busy)
    console.log(line(`/healthz idle (${idle.times.length} answered)`, calm))
    console.log(line(`/healthz while the agent posts (${busy.length})`, loaded))
    if (idle.failures + failures > 0)
      console.log(`  /healthz requests that failed: ${idle.failures} idle, ${failures} busy`)
    console.log(
      `  ratio busy/idle: median ${(loaded.median / calm.median).toFixed(2)}, p95 ${(loaded.p95 / calm.p95).toFixed(2)}`,
    )
    // Flat over the run: /healthz asked while the first rounds were reported against the last ones.
    const firstEnd = reportedAt[WINDOW] ?? Infinity
    const lastStart = reportedAt[reportedAt.length - WINDOW] ?? 0
    const early = stats(busy.filter((_, i) => (askedAt[i] ?? 0) < firstEnd))
    const late = stats(busy.filter((_, i) => (askedAt[i] ?? 0) >= lastStart))
    console.log(line(`/healthz during the first ${WINDOW} rounds`, early))
    console.log(line(`/healthz during the last ${WINDOW} rounds`, late))
    console.log(
      `  ratio last/first: median ${(late.median / early.median).toFixed(2)}, p95 ${(late.p95 / early.p95).toFixed(2)}`,
    )
    console.log(`  took ${((performance.now() - started) / 1000).toFixed(0)} s`)
  } finally {
    await bff.stop()
    await opened.drop()
  }
}

if (process.argv[1]?.endsWith('training-accountant.ts')) await runTrainingAccountantBench()
