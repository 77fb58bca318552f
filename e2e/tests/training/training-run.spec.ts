import { expect, test } from '../../support/test'
import type { Page } from '@playwright/test'
import { computeEpsilon, noiseForEpsilon } from '@tg/contracts/privacy'
import { ADMIN, completeSetup, createUser } from '../../support/api'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { reportRound, roundAt } from '../../support/training'
import { signInUi } from '../../support/ui'

// The later tests read the run that the first one creates.
test.describe.configure({ mode: 'serial' })

let server: ConsoleServer
test.beforeAll(async () => {
  server = await startConsoleServer()
  const admin = await completeSetup(server.url, server.setupUrl as string)
  await createUser(server.url, admin, 'olive', ['operator'])
  await createUser(server.url, admin, 'victor', ['viewer'])
})
test.afterAll(async () => server.stop())

/** The run's declared settings: each round costs enough that the budget of 4 lasts four rounds. */
const DP = { sampleRate: 0.05, noiseMultiplier: 1, clippingNorm: 1, delta: 1e-5 }
const STEPS_PER_ROUND = 20
const PLANNED_ROUNDS = 10
const SETTINGS = {
  steps: STEPS_PER_ROUND,
  sampleRate: DP.sampleRate,
  noiseMultiplier: DP.noiseMultiplier,
  clippingNorm: DP.clippingNorm,
}
/** As the console formats epsilon: four significant digits. */
const formatEpsilon = (epsilon: number) => new Intl.NumberFormat('en', { maximumSignificantDigits: 4 }).format(epsilon)
const epsilonAfter = (rounds: number) => computeEpsilon({ ...DP, steps: rounds * STEPS_PER_ROUND }).epsilon

async function signIn(page: Page, username: string) {
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, username, ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
}

test('an operator creates a run, hands its agent a key, and watches rounds arrive until the budget stops it', async ({
  page,
}) => {
  await signIn(page, 'olive')
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Training' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Training' })).toBeVisible()

  // No runs yet: the empty state documents the real call an agent makes.
  const empty = page.locator('[data-testid="query-state"][data-state="empty"]')
  await expect(empty).toContainText('No training runs yet')
  const emptyCurl = empty.getByTestId('agent-curl')
  await expect(emptyCurl).toContainText(`${server.url}/api/v1/training/runs/{runId}/rounds`)
  await expect(emptyCurl).toContainText('Authorization: Bearer <agent key>')
  await expect(emptyCurl).toContainText('"noiseMultiplier"')

  // The form checks the contract's rules as it is filled in.
  await page.getByRole('main').getByRole('button', { name: 'New run' }).first().click()
  const dialog = page.getByRole('dialog', { name: 'New training run' })
  await dialog.getByLabel('Name', { exact: true }).fill('llama-support-dp')
  await dialog.getByLabel('Base model').fill('llama-3-8b')
  await dialog.getByLabel('Rank (optional)').fill('16')
  await dialog.getByLabel('Target modules (optional)').fill('q_proj, v_proj')
  await dialog.getByLabel('Planned rounds').fill(String(PLANNED_ROUNDS))
  await dialog.getByLabel('Steps per round').fill(String(STEPS_PER_ROUND))
  await dialog.getByLabel('Noise multiplier (σ)').fill(String(DP.noiseMultiplier))
  await dialog.getByLabel('Clipping norm').fill(String(DP.clippingNorm))
  await dialog.getByLabel('Sampling rate (q)').fill(String(DP.sampleRate))
  await dialog.getByLabel('Dataset size (optional)').fill('50000')
  await dialog.getByLabel('Delta (δ)').fill('0.0001')
  await dialog.getByLabel('Epsilon budget (ε)').fill('12')
  await dialog.getByLabel('Epsilon budget (ε)').blur()
  await expect(dialog.getByText('Delta must be below 1/N = 0.0000200 for a dataset of 50000 records.')).toBeVisible()
  await expect(dialog.getByTestId('run-form-warning')).toContainText('above 10 gives little privacy protection')
  await dialog.getByLabel('Delta (δ)').fill('1e-5')
  await dialog.getByLabel('Epsilon budget (ε)').fill('4')
  await expect(dialog.getByText(/Delta must be below/)).toHaveCount(0)
  await expect(dialog.getByTestId('run-form-warning')).toHaveCount(0)

  // The projection is computed in the browser with the shared accountant.
  const planned = epsilonAfter(PLANNED_ROUNDS)
  await expect(dialog.getByTestId('run-projection-epsilon')).toHaveText(formatEpsilon(planned))
  await expect(dialog.getByTestId('run-projection-over')).toBeVisible()
  await dialog.getByRole('button', { name: 'Create run' }).click()

  await expect(page).toHaveURL(/\/training\/runs\/[0-9a-f-]{36}$/)
  const runId = page.url().split('/').at(-1) as string
  await expect(page.getByRole('heading', { level: 1, name: 'llama-support-dp' })).toBeVisible()
  await expect(page.getByTestId('status-badge').first()).toHaveAttribute('data-status', 'created')
  await expect(page.getByTestId('run-warnings')).toContainText('would spend epsilon')
  await expect(page.getByTestId('run-projected-epsilon')).toHaveText(formatEpsilon(planned))
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'open')

  // The agent key is shown once, with the exact call to report a round.
  await page.getByRole('button', { name: 'Agent key' }).click()
  const keyDialog = page.getByRole('dialog', { name: 'Create an agent key' })
  await keyDialog.getByRole('button', { name: 'Create key' }).click()
  const created = page.getByRole('dialog', { name: 'Agent key created' })
  const secret = ((await created.getByTestId('agent-key-secret').textContent()) ?? '').trim()
  expect(secret).toMatch(/^tgk_/)
  const curl = created.getByTestId('agent-curl')
  await expect(curl).toContainText(`${server.url}/api/v1/training/runs/${runId}/rounds`)
  await expect(curl).toContainText(`Authorization: Bearer ${secret}`)
  await expect(curl).toContainText(`"steps": ${STEPS_PER_ROUND}`)
  await created.getByRole('button', { name: 'Done' }).click()
  await expect(created).toBeHidden()

  // From here on the page is never reloaded: everything below arrives as live updates.
  await page.evaluate(() => Object.assign(window, { notReloaded: true }))
  const rows = page.getByTestId('round-row')
  const epsilonChart = page.getByTestId('chart-epsilon').getByRole('img')
  const budget = page.getByTestId('run-summary').getByTestId('budget-bar')

  for (const index of [0, 1, 3])
    expect((await reportRound(server.url, secret, runId, roundAt(index, SETTINGS))).status).toBe(201)
  await expect(rows).toHaveCount(3)
  await expect(page.getByTestId('round-gap')).toHaveText('Round 2 not reported')
  await expect(page.getByTestId('run-rounds')).toHaveText(`3 of ${PLANNED_ROUNDS} (1 missing)`)
  await expect(page.getByTestId('status-badge').first()).toHaveAttribute('data-status', 'running')

  expect((await reportRound(server.url, secret, runId, roundAt(2, SETTINGS))).status).toBe(201)
  await expect(rows).toHaveCount(4)
  await expect(page.getByTestId('round-gap')).toHaveCount(0)
  const spent = epsilonAfter(4)
  await expect(budget).toContainText(`ε ${formatEpsilon(spent)} of 4`)
  await expect(budget).toHaveAttribute('data-level', 'near')
  // Each round shows the run's epsilon once it was recorded: round 2 came last, after round 3.
  const epsilonOf = (index: number) =>
    page.locator(`[data-testid="round-row"][data-index="${index}"]`).getByTestId('round-epsilon')
  await expect(epsilonOf(2)).toHaveText(formatEpsilon(spent))
  await expect(epsilonOf(3)).toHaveText(formatEpsilon(epsilonAfter(3)))
  await expect(rows.first()).toHaveAttribute('data-index', '3')
  await expect(epsilonChart).toHaveAttribute(
    'aria-label',
    new RegExp(`epsilon ${formatEpsilon(spent)} spent over 4 rounds`),
  )
  await expect(page.getByTestId('chart-sampling')).toHaveText('Every reported round: 4 rounds.')
  await expect(page.getByTestId('chart-loss-accuracy').getByRole('img')).toHaveAttribute(
    'aria-label',
    'Loss and accuracy per round, 4 rounds reported. Latest, round 3: loss 0.2, accuracy 80%.',
  )
  await expect(page.getByTestId('chart-clients').getByRole('img')).toHaveAttribute(
    'aria-label',
    'Participating clients per round, 4 rounds reported. Latest, round 3: 11 clients.',
  )

  // The next round would pass the budget: the server refuses it and stops the run.
  const refused = await reportRound(server.url, secret, runId, roundAt(4, SETTINGS))
  expect(refused.status).toBe(409)
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('BUDGET_EXHAUSTED')
  await expect(page.getByTestId('status-badge').first()).toHaveAttribute('data-status', 'budget_exhausted')
  await expect(page.getByTestId('status-badge').first()).toHaveText('Budget exhausted')
  await expect(page.getByTestId('run-state-reason')).toContainText(
    `Round 4 would have spent epsilon ${epsilonAfter(5).toPrecision(4)} of the budget 4.`,
  )
  await expect(budget).toHaveAttribute('data-level', 'exhausted')
  await expect(epsilonChart).toHaveAttribute('aria-label', /The budget is exhausted: the run takes no more rounds\./)
  await expect(rows).toHaveCount(4)
  await expect(page.getByRole('button', { name: 'Stop run' })).toHaveCount(0)
  expect(await page.evaluate(() => 'notReloaded' in window)).toBe(true)

  // The list shows the run among those past their budget, with the filter in the URL.
  await page.getByRole('link', { name: 'Training', exact: true }).first().click()
  await page.getByLabel('Budget', { exact: true }).selectOption('exhausted')
  await expect(page).toHaveURL(/[?&]budget=exhausted/)
  const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`)
  await expect(row).toHaveAttribute('data-state', 'budget_exhausted')
  await expect(row).toContainText(`4 of ${PLANNED_ROUNDS}`)
  await page.reload()
  await expect(page.getByLabel('Budget', { exact: true })).toHaveValue('exhausted')
  await expect(row).toBeVisible()
})

test('a viewer sees runs but is offered no action that would be refused, and a missing run is not found', async ({
  page,
}) => {
  await signIn(page, 'victor')
  await page.goto(`${server.url}/training`)
  await expect(page.getByTestId('run-row').first()).toBeVisible()
  await expect(page.getByRole('button', { name: 'New run' })).toHaveCount(0)
  await page.getByTestId('run-row').first().getByRole('link').click()
  await expect(page.getByTestId('run-summary')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Agent key' })).toHaveCount(0)

  await page.goto(`${server.url}/training/runs/00000000-0000-4000-8000-000000000000`)
  await expect(page.getByTestId('run-not-found')).toContainText('No such training run')
  await page.goto(`${server.url}/training/runs/not-a-run`)
  await expect(page.getByTestId('run-not-found')).toBeVisible()
})

test('the privacy calculator computes what the shared accountant computes, and its inverse', async ({ page }) => {
  await signIn(page, 'victor')
  await page.goto(`${server.url}/training`)
  await page.getByRole('link', { name: 'Privacy calculator' }).first().click()
  await expect(page).toHaveURL(/\/training\/calculator$/)
  await expect(page.getByRole('heading', { level: 2, name: 'Privacy calculator' })).toBeVisible()

  await page.getByLabel('Sampling rate (q)').fill('1.5')
  await page.getByLabel('Sampling rate (q)').blur()
  await expect(page.getByText('The sampling rate is at most 1.')).toBeVisible()

  await page.getByLabel('Sampling rate (q)').fill('0.01')
  await page.getByLabel('Delta (δ)').fill('1e-5')
  await page.getByText('Rounds × steps per round').click()
  await expect(page.getByRole('radio', { name: 'Rounds × steps per round' })).toBeChecked()
  await page.getByLabel('Rounds', { exact: true }).fill('50')
  await page.getByLabel('Steps per round', { exact: true }).fill('200')
  await page.getByLabel('Noise multiplier (σ)').fill('1.1')
  await expect(page.getByText('The sampling rate is at most 1.')).toHaveCount(0)

  const expected = computeEpsilon({ sampleRate: 0.01, noiseMultiplier: 1.1, steps: 10_000, delta: 1e-5 })
  const epsilon = page.getByTestId('calc-epsilon')
  await expect.poll(async () => Number(await epsilon.getAttribute('data-value'))).toBeCloseTo(expected.epsilon, 12)
  await expect(epsilon).toHaveText(formatEpsilon(expected.epsilon))
  await expect(page.getByTestId('calc-order')).toHaveText(String(expected.order))
  await expect(page.getByTestId('calc-epsilon-result')).toContainText(
    `10,000 steps at sampling rate 0.01 with noise multiplier 1.1 are (ε = ${formatEpsilon(expected.epsilon)}`,
  )

  await page.getByLabel('Target epsilon (ε)').fill('2')
  const inverse = noiseForEpsilon({ sampleRate: 0.01, steps: 10_000, delta: 1e-5, targetEpsilon: 2 })
  const noise = page.getByTestId('calc-noise')
  await expect.poll(async () => Number(await noise.getAttribute('data-value'))).toBeCloseTo(inverse.noiseMultiplier, 12)
  await expect(page.getByTestId('calc-noise-result')).toContainText('use a noise multiplier of at least')
})
