/**
 * `pnpm bench` (verify everything in Chromium, end to end): a log of BENCH_BROWSER_VERIFY_ENTRIES
 * entries (default 1,000,000) is seeded straight into the database (the server's own sequencing,
 * in large batches, before the server starts), the real server serves the built console, and
 * Chromium clicks "Verify everything" on the audit page: entries/s and seconds as the console
 * reports them, with navigator.hardwareConcurrency workers. Reference in the same run: the same
 * ranges only downloaded (streamed and discarded) by the page, as many at once as there are
 * workers, so the server's read rate shows beside the verification's. Needs web/dist (built).
 * Options: BENCH_BROWSER_VERIFY_ENTRIES, BENCH_BROWSER_VERIFY_DB (`postgres` default when the
 * local PostgreSQL answers, or `pglite`).
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { createDatabase } from '../../src/db/client'
import type { DatabaseTarget } from '../../src/db/client'
import { sequenceBatch } from '../../src/modules/audit/tree'
import { createPostgresDatabase } from '../../src/test/harness'
import { launchChromium } from './chromium'

const ENTRIES = Number(process.env.BENCH_BROWSER_VERIFY_ENTRIES ?? 1_000_000)
const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..')
const PASSWORD = 'correct horse battery staple'

async function seed(target: DatabaseTarget): Promise<number> {
  const database = createDatabase(target, { timeoutMs: 600_000 })
  await database.migrate()
  const started = performance.now()
  for (let done = 0; done < ENTRIES;) {
    const rows = Math.min(50_000, ENTRIES - done)
    await database.db.execute(
      sql.raw(`insert into audit_pending (actor_type, actor_name, action, resource_type, resource_id, outcome, details)
        select 'user', 'operator' || (g % 40), 'bench.verify', 'bench', 'r' || g, 'success', jsonb_build_object('n', g, 'roles', jsonb_build_array('operator'))
        from generate_series(${done + 1}, ${done + rows}) g`),
    )
    while ((await sequenceBatch(database.db, 10_000)) > 0);
    done += rows
  }
  await database.close()
  return (performance.now() - started) / 1000
}

type Server = { url: string; output: () => string; stop: () => Promise<void> }

async function startServer(env: Record<string, string>): Promise<Server> {
  const child = spawn(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['bff/src/main.ts'], {
    cwd: REPO_ROOT,
    detached: true,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', TG_LOG_LEVEL: 'info', TG_RATE_LIMIT_DISABLED: 'true', ...env },
  })
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise((r) => child.once('exit', r))
  const stop = async () => {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM')
    await exited
  }
  const deadline = Date.now() + 120_000
  let url: string | undefined
  while (!(url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1])) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the server did not start:\n${output}`)
    await new Promise((r) => setTimeout(r, 200))
  }
  return { url, output: () => output, stop }
}

/** The first admin through the setup link the server prints, and a checkpoint over the whole log. */
async function prepare(server: Server) {
  let setupUrl: string | undefined
  for (let i = 0; i < 100 && !(setupUrl = /"setupUrl":"([^"]+)"/.exec(server.output())?.[1]); i++)
    await new Promise((r) => setTimeout(r, 100))
  if (!setupUrl) throw new Error(`no setup link:\n${server.output()}`)
  const token = new URL(setupUrl).hash.replace('#token=', '')
  const res = await fetch(`${server.url}/api/v1/auth/setup`, {
    method: 'POST',
    headers: { origin: server.url, 'content-type': 'application/json' },
    body: JSON.stringify({ token, username: 'admin', displayName: 'Bench Admin', password: PASSWORD }),
  })
  if (!res.ok) throw new Error(`setup: ${res.status} ${await res.text()}`)
  const cookie = /tg_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] as string
  const { csrfToken } = (await res.json()) as { csrfToken: string }
  const cut = await fetch(`${server.url}/api/v1/audit/checkpoints`, {
    method: 'POST',
    headers: { origin: server.url, cookie: `tg_session=${cookie}`, 'x-csrf-token': csrfToken },
  })
  const { treeSize } = (await cut.json()) as { treeSize: number }
  return { cookie, treeSize }
}

async function measure(server: Server) {
  const { cookie, treeSize } = await prepare(server)
  const browser = await launchChromium()
  try {
    const context = await browser.newContext()
    await context.addCookies([{ name: 'tg_session', value: cookie, url: server.url }])
    const page = await context.newPage()
    await page.goto(`${server.url}/audit`)
    const integrity = page.getByTestId('audit-integrity')
    await integrity.and(page.locator('[data-state="verified"]')).waitFor({ timeout: 120_000 })
    const cores = await page.evaluate(
      () => (globalThis as unknown as { navigator: { hardwareConcurrency: number } }).navigator.hardwareConcurrency,
    )
    // Reference: only the reads, as many streams at once as the console has workers.
    const readSeconds = await page.evaluate(
      async ({ total, streams }) => {
        const started = performance.now()
        const per = Math.ceil(total / streams)
        await Promise.all(
          Array.from({ length: streams }, async (_, i) => {
            const res = await fetch(
              `/api/v1/audit/leaves/stream?start=${i * per}&end=${Math.min(total, (i + 1) * per)}`,
            )
            const reader = res.body!.getReader()
            while (!(await reader.read()).done);
          }),
        )
        return (performance.now() - started) / 1000
      },
      { total: treeSize, streams: cores },
    )
    const verifyAll = page.getByTestId('audit-verify-all')
    const started = performance.now()
    await verifyAll.getByRole('button', { name: 'Verify everything' }).click()
    await verifyAll.and(page.locator('[data-state="verified"], [data-state="failed"], [data-state="error"]')).waitFor({
      timeout: 600_000,
    })
    const wall = (performance.now() - started) / 1000
    const state = await verifyAll.getAttribute('data-state')
    const text = (await verifyAll.textContent()) ?? ''
    if (state !== 'verified') throw new Error(`verify everything ended ${state}: ${text}`)
    const reported = Number(/\(([\d.]+) s\)/.exec(text)?.[1])
    return { treeSize, cores, readSeconds, reported, wall }
  } finally {
    await browser.close()
  }
}

export async function runBrowserVerifyAllBench(): Promise<void> {
  console.log(`\nverify everything in Chromium, end to end: ${ENTRIES} seeded entries`)
  if (!existsSync(join(REPO_ROOT, 'web/dist/index.html'))) {
    console.log('  skipped: web/dist is missing (pnpm --filter @tg/web build)')
    return
  }
  const wantsPglite = process.env.BENCH_BROWSER_VERIFY_DB === 'pglite'
  const postgres = wantsPglite ? null : await createPostgresDatabase()
  const dataDir = mkdtempSync(join(tmpdir(), 'tg-bench-verify-all-'))
  const usesPostgres = postgres !== null && 'target' in postgres
  const target: DatabaseTarget = usesPostgres ? postgres.target : { kind: 'pglite', dir: join(dataDir, 'pglite') }
  try {
    const seeded = await seed(target)
    console.log(`  ${usesPostgres ? 'PostgreSQL' : 'embedded PGlite'}: seeded in ${seeded.toFixed(0)} s`)
    const server = await startServer(
      usesPostgres && target.kind === 'postgres'
        ? { DATABASE_URL: target.url, TG_DATA_DIR: dataDir }
        : { TG_DATA_DIR: dataDir },
    )
    try {
      const r = await measure(server)
      console.log(
        `  ${r.cores} workers (navigator.hardwareConcurrency): ${r.treeSize} entries verified in ${r.reported.toFixed(1)} s ` +
          `as the console reports it (${(r.treeSize / r.reported).toFixed(0)} entries/s; ${r.wall.toFixed(1)} s from the click ` +
          `to the result; goal 1M in < 10 s; load average ${loadavg()[0]!.toFixed(1)})`,
      )
      console.log(
        `  reference, the same run: reading the ${r.treeSize} leaves alone in ${r.cores} streams ${r.readSeconds.toFixed(1)} s ` +
          `(${(r.treeSize / r.readSeconds).toFixed(0)} entries/s); verify everything takes ${(r.reported / r.readSeconds).toFixed(2)}x the reads`,
      )
    } finally {
      await server.stop()
    }
  } finally {
    if (postgres && 'drop' in postgres) await postgres.drop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runBrowserVerifyAllBench()
