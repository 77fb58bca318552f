/**
 * `pnpm bench` (large run part): what the run page requests for a run of BENCH_LARGE_ROUNDS
 * rounds (default 100,000) seeded directly in the database (PGlite): the run, the chart series
 * (400 sampled points, as the page asks) and the first page of rounds newest first (50), fetched
 * in parallel as the page does. Target: under 1 s. Medians of 5 loads after one warm-up.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import { trainingRounds, trainingRuns } from '../src/db/schema'
import { startBff } from './http'

const ROUNDS = Number(process.env.BENCH_LARGE_ROUNDS ?? 100_000)
const BATCH = 2_000
const LOADS = 5

async function get(url: string, headers: Record<string, string>) {
  const res = await fetch(url, { headers })
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`)
  return (await res.arrayBuffer()).byteLength
}

export async function runTrainingLargeBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-large-'))
  const bff = await startBff({ kind: 'pglite', dir })
  try {
    const created = await fetch(`${bff.url}/api/v1/training/runs`, {
      method: 'POST',
      headers: { ...bff.headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'bench large run',
        baseModel: 'bench',
        adapter: {},
        plannedRounds: ROUNDS * 2,
        stepsPerRound: 1,
        dp: { noiseMultiplier: 1.1, clippingNorm: 1, sampleRate: 0.0001, delta: 1e-5, epsilonBudget: 1000 },
      }),
    })
    const { id: runId } = (await created.json()) as { id: string }
    const seedStart = performance.now()
    const at = new Date('2026-11-30T00:00:00.000Z')
    for (let start = 0; start < ROUNDS; start += BATCH) {
      const rows = Array.from({ length: Math.min(BATCH, ROUNDS - start) }, (_, i) => {
        const index = start + i
        return {
          runId,
          index,
          clients: 16 + (index % 7),
          steps: 1,
          sampleRate: 0.0001,
          noiseMultiplier: 1.1,
          clippingNorm: 1,
          metrics: { loss: 1 / (index + 1), accuracy: Math.min(0.99, index / ROUNDS) },
          startedAt: at,
          endedAt: at,
          reportHash: index.toString(16).padStart(64, '0'),
          epsilonAfter: (0.5 * (index + 1)) / ROUNDS,
        }
      })
      await bff.database.db.insert(trainingRounds).values(rows)
    }
    await bff.database.db
      .update(trainingRuns)
      .set({
        state: 'running',
        roundsRecorded: ROUNDS,
        lastRoundIndex: ROUNDS - 1,
        epsilonSpent: 0.5,
        lastReportAt: at,
      })
      .where(eq(trainingRuns.id, runId))
    const seedSeconds = (performance.now() - seedStart) / 1000

    const base = `${bff.url}/api/v1/training/runs/${runId}`
    const urls = [base, `${base}/rounds/series?points=400`, `${base}/rounds?order=desc&limit=50`]
    const loads: number[] = []
    const parts: number[][] = []
    let bytes = 0
    for (let i = 0; i <= LOADS; i++) {
      const started = performance.now()
      const timed = await Promise.all(
        urls.map(async (url) => {
          const t = performance.now()
          const size = await get(url, bff.headers)
          return { ms: performance.now() - t, size }
        }),
      )
      if (i === 0) continue // warm-up
      loads.push(performance.now() - started)
      parts.push(timed.map((r) => r.ms))
      bytes = timed.reduce((sum, r) => sum + r.size, 0)
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
    const part = (k: number) => median(parts.map((p) => p[k] ?? NaN)).toFixed(0)
    const total = median(loads)
    console.log(`\nlarge run: ${ROUNDS.toLocaleString('en')} rounds seeded on PGlite in ${seedSeconds.toFixed(1)} s`)
    console.log(
      `  run page data (run + series of 400 points + newest 50 rounds, in parallel): median ${total.toFixed(0)} ms, ${(bytes / 1024).toFixed(1)} KB (target under 1,000 ms: ${total < 1000 ? 'met' : 'MISSED'})`,
    )
    console.log(`  run ${part(0)} ms, series ${part(1)} ms, first page ${part(2)} ms`)
  } finally {
    await bff.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1]?.endsWith('training-large.ts')) await runTrainingLargeBench()
