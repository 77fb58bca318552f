import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { expect, test } from '../../support/test'
import { ADMIN, completeSetup } from '../../support/api'
import { expectNoSeriousA11yViolations } from '../../support/axe'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { createAgentKey, createRun, reportRound, roundAt } from '../../support/training'
import { signInUi } from '../../support/ui'

// A run of 5,000 rounds. Reporting them one by one through the API would take minutes, so the
// first round goes through the API (the run starts, its ledger is kept) and the other 4,999 are
// written into the stopped server's database, then the server starts again on it.
const ROUNDS = 5000
const SETTINGS = { steps: 1, sampleRate: 0.0001, noiseMultiplier: 1.1, clippingNorm: 1 }

let dataDir: string
let server: ConsoleServer
let runId: string

test.beforeAll(async () => {
  test.setTimeout(240_000)
  dataDir = mkdtempSync(join(tmpdir(), 'tg-e2e-large-'))
  const first = await startConsoleServer({ TG_DATA_DIR: dataDir })
  const admin = await completeSetup(first.url, first.setupUrl as string)
  runId = await createRun(first.url, admin, {
    name: 'five thousand rounds',
    baseModel: 'llama-3-8b',
    adapter: { method: 'lora', rank: 8, alpha: 16, targetModules: ['q_proj'] },
    plannedRounds: 20_000,
    stepsPerRound: SETTINGS.steps,
    dp: { ...SETTINGS, delta: 1e-5, epsilonBudget: 50, datasetSize: null },
  })
  const key = await createAgentKey(first.url, admin, runId)
  expect((await reportRound(first.url, key, runId, roundAt(0, SETTINGS))).status).toBe(201)
  await first.stop()

  // With the server's extensions: its trigram indexes (pg_trgm) are written by this UPDATE too.
  const db = new PGlite(join(dataDir, 'pglite'), { extensions: { pg_trgm } })
  await db.query(
    `INSERT INTO training_rounds (run_id, round_index, clients, steps, sample_rate, noise_multiplier,
       clipping_norm, metrics, started_at, ended_at, report_hash, epsilon_after)
     SELECT $1, i, 8 + i % 5, 1, 0.0001, 1.1, 1,
       jsonb_build_object('loss', 1.0 / (i + 2), 'accuracy', 1 - 1.0 / (i + 2)),
       now(), now(), lpad(to_hex(i), 64, '0'), 0.0001 * (i + 1)
     FROM generate_series(1, $2 - 1) AS i`,
    [runId, ROUNDS],
  )
  await db.query(
    `UPDATE training_runs SET rounds_recorded = $2, last_round_index = $2 - 1, epsilon_spent = 0.0001 * $2
     WHERE id = $1`,
    [runId, ROUNDS],
  )
  await db.close()
  server = await startConsoleServer({ TG_DATA_DIR: dataDir })
})
test.afterAll(async () => {
  await server?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

for (const viewport of [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
]) {
  test(`a run of 5,000 rounds shows its newest round first and sampled charts (${viewport.name})`, async ({ page }) => {
    await page.setViewportSize({ width: viewport.width, height: viewport.height })
    await page.goto(`${server.url}/sign-in`)
    await signInUi(page, ADMIN.username, ADMIN.password)
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()

    const started = Date.now()
    await page.goto(`${server.url}/training/runs/${runId}`)
    const rows = page.getByTestId('round-row')
    await expect(rows.first()).toHaveAttribute('data-index', String(ROUNDS - 1))
    await expect(rows).toHaveCount(50)
    await expect(page.getByTestId('rounds-range')).toHaveText('Rounds 4999 down to 4950 (50 rounds, the newest)')
    await expect(page.getByTestId('chart-sampling')).toHaveText(
      /^A sample of \d{3} rounds: every 13th round index from 0 and the latest, of 5,000 rounds reported\./,
    )
    // Every chart draws (a canvas with pixels), and names the latest round in its summary.
    const charts = page.getByTestId('chart')
    await expect(charts).toHaveCount(3)
    for (const chart of await charts.all()) {
      await expect(chart.locator('canvas')).toBeVisible()
      await expect(chart).toHaveAttribute('aria-label', /4,?999|5,000/)
    }
    test.info().annotations.push({ type: 'run page with charts', description: `${Date.now() - started} ms` })
    await expectNoSeriousA11yViolations(page, `run of 5,000 rounds (${viewport.name})`)
  })
}
