/**
 * `pnpm bench:load`: a mixed workload at a fixed arrival rate against the built console.
 *
 * Builds the console (web/dist), starts the real BFF as its own process on a fresh data
 * directory (embedded PGlite; LOAD_DATABASE=postgres for the local PostgreSQL), seeds it through
 * its API, then runs the load client (load-client.ts) as another process for LOAD_SECONDS
 * (default 300) while this process samples the server's resident memory. Prints the errors per
 * route (status and code), p50/p99 per route, the achieved rate, and the memory growth between
 * the end of the warm-up and the end. Figures only: nothing is asserted.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPostgresDatabase } from '../src/test/harness'
import { RATES } from './load-plan'
import type { LoadPlan, LoadResult } from './load-plan'
import { printMemory, printResult, printWorkload } from './load-report'
import { seed } from './load-seed'
import { ROOT, sampleMemory, startLoadServer } from './load-server'

const SECONDS = Number(process.env.LOAD_SECONDS ?? 300)
const DATABASE = process.env.LOAD_DATABASE ?? 'pglite'
/** The first fifth of the run, at most a minute: JIT, caches and pools settle meanwhile. */
const WARM_UP_S = Math.min(60, SECONDS / 5)

function buildConsole() {
  if (process.env.LOAD_SKIP_WEB_BUILD === '1') return
  const built = spawnSync('pnpm', ['--filter', '@tg/web', 'build'], { cwd: ROOT, encoding: 'utf8' })
  if (built.status !== 0) throw new Error(`web build failed:\n${built.stdout}\n${built.stderr}`)
}

function runClient(planFile: string): Promise<void> {
  const client = spawn(process.execPath, ['--import', 'tsx', 'bff/bench/load-client.ts', planFile], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  return new Promise((done, reject) =>
    client.once('exit', (code) => (code === 0 ? done() : reject(new Error(`the load client exited with ${code}`)))),
  )
}

async function databaseEnv(): Promise<{ env: Record<string, string>; drop: () => Promise<void>; label: string }> {
  if (DATABASE === 'pglite') return { env: {}, drop: async () => undefined, label: 'embedded PGlite' }
  if (DATABASE !== 'postgres') throw new Error('LOAD_DATABASE is pglite (the default) or postgres')
  const pg = await createPostgresDatabase()
  if ('skip' in pg) throw new Error(pg.skip)
  return { env: { DATABASE_URL: (pg.target as { url: string }).url }, drop: pg.drop, label: 'PostgreSQL' }
}

async function main() {
  buildConsole()
  const work = mkdtempSync(join(tmpdir(), 'tg-bench-load-'))
  const database = await databaseEnv()
  const server = await startLoadServer({ TG_DATA_DIR: join(work, 'data'), ...database.env })
  try {
    const seeded = await seed(server.url, server.setupUrl, work, Math.ceil(SECONDS * RATES.uploads) + 1)
    console.log(
      `pnpm bench:load: ${SECONDS} s against the built console and the BFF as its own process (pid ${server.pid}) ` +
        `on ${database.label}; ${seeded.uploads.length} signed packages built beforehand in ${seeded.buildSeconds.toFixed(1)} s`,
    )
    printWorkload({ readers: seeded.readers.length, signers: seeded.signers.length, runs: seeded.runs.length })
    const plan: LoadPlan = {
      url: server.url,
      seconds: SECONDS,
      readers: seeded.readers,
      signers: seeded.signers,
      runs: seeded.runs,
      packageIds: seeded.packageIds,
      publisherKey: seeded.publisherKey,
      uploads: seeded.uploads,
      entryAsset: seeded.entryAsset,
      resultFile: join(work, 'result.json'),
    }
    const planFile = join(work, 'plan.json')
    writeFileSync(planFile, JSON.stringify(plan), { mode: 0o600 })
    const memory = sampleMemory(server.pid, performance.now(), 2000)
    await runClient(planFile)
    const samples = memory.stop()
    printResult(JSON.parse(readFileSync(plan.resultFile, 'utf8')) as LoadResult)
    printMemory(samples, WARM_UP_S, SECONDS)
  } catch (err) {
    console.error(`server output (tail):\n${server.tail()}`)
    throw err
  } finally {
    await server.stop()
    await database.drop()
    rmSync(work, { recursive: true, force: true })
  }
}

await main()
