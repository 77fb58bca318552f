import { expect, test } from '../../support/test'
import { ADMIN, completeSetup } from '../../support/api'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { createAgentKey, createRun, reportRound, roundAt } from '../../support/training'
import { signInUi } from '../../support/ui'

const SETTINGS = { steps: 1, sampleRate: 0.001, noiseMultiplier: 1.1, clippingNorm: 1 }
const REPORTED = 120

let server: ConsoleServer
let admin: Awaited<ReturnType<typeof completeSetup>>
let runId: string
let agentKey: string

test.beforeAll(async () => {
  // 120 reports through the API, one after another as an agent sends them: slow on a busy machine.
  test.setTimeout(240_000)
  server = await startConsoleServer()
  admin = await completeSetup(server.url, server.setupUrl as string)
  runId = await createRun(server.url, admin, {
    name: 'long run',
    baseModel: 'llama-3-8b',
    adapter: { method: 'lora', rank: 8, alpha: 16, targetModules: ['q_proj'] },
    plannedRounds: 1000,
    stepsPerRound: SETTINGS.steps,
    dp: { ...SETTINGS, delta: 1e-5, epsilonBudget: 8, datasetSize: null },
  })
  agentKey = await createAgentKey(server.url, admin, runId)
  for (let index = 0; index < REPORTED; index++)
    expect((await reportRound(server.url, agentKey, runId, roundAt(index, SETTINGS))).status).toBe(201)
})
test.afterAll(async () => server.stop())

test('the rounds table pages through a long run newest first, keeps its page in the URL, and stays live', async ({
  page,
}) => {
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, ADMIN.username, ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  await page.goto(`${server.url}/training/runs/${runId}`)
  const rows = page.getByTestId('round-row')
  const range = page.getByTestId('rounds-range')
  const pager = page.getByTestId('rounds-pager')

  await expect(rows).toHaveCount(50)
  await expect(rows.first()).toHaveAttribute('data-index', '119')
  await expect(range).toHaveText('Rounds 119 down to 70 (50 rounds, the newest)')
  await expect(pager.getByRole('button', { name: 'Newer' })).toBeDisabled()
  await expect(page.getByTestId('chart-sampling')).toHaveText(`Every reported round: ${REPORTED} rounds.`)

  await pager.getByRole('button', { name: 'Older' }).click()
  await expect(page).toHaveURL(/[?&]rounds=[A-Za-z0-9_-]+/)
  await expect(range).toHaveText('Rounds 69 down to 20 (50 rounds)')
  await pager.getByRole('button', { name: 'Older' }).click()
  await expect(range).toHaveText('Rounds 19 down to 0 (20 rounds)')
  await expect(pager.getByRole('button', { name: 'Older' })).toBeDisabled()
  await pager.getByRole('button', { name: 'Newer' }).click()
  await expect(range).toHaveText('Rounds 69 down to 20 (50 rounds)')

  // The page is in the URL: a reload shows the same rounds.
  await page.reload()
  await expect(range).toHaveText('Rounds 69 down to 20 (50 rounds)')
  await pager.getByRole('button', { name: 'Newest' }).click()
  await expect(range).toHaveText('Rounds 119 down to 70 (50 rounds, the newest)')

  // A new round appears at the top without a reload.
  expect((await reportRound(server.url, agentKey, runId, roundAt(REPORTED, SETTINGS))).status).toBe(201)
  await expect(rows.first()).toHaveAttribute('data-index', String(REPORTED))
  await expect(page.getByTestId('chart-sampling')).toHaveText(`Every reported round: ${REPORTED + 1} rounds.`)

  // A cursor this console did not make is refused by the server, and said so.
  await page.goto(`${server.url}/training/runs/${runId}?rounds=forged`)
  await expect(page.locator('[data-testid="query-state"][data-state="error"]')).toBeVisible()
})
