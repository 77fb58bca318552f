import { expect, test } from '../../support/test'
import type { Page } from '@playwright/test'
import { ADMIN, completeSetup, createUser } from '../../support/api'
import { expectNoSeriousA11yViolations } from '../../support/axe'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { createAgentKey, createRun, reportRound, roundAt } from '../../support/training'
import { signInUi } from '../../support/ui'

// Small defects found by trying the console as a new operator, each checked at desktop and
// phone width with an axe scan of the page concerned.
const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const

/** Each round costs enough that a budget of 4 lasts four rounds: the fifth is refused and ends the run. */
const SETTINGS = { steps: 20, sampleRate: 0.05, noiseMultiplier: 1, clippingNorm: 1 }

let server: ConsoleServer
let admin: Awaited<ReturnType<typeof completeSetup>>
let nearRunId: string
let endedRunId: string

async function runWithRounds(name: string, rounds: number): Promise<string> {
  const runId = await createRun(server.url, admin, {
    name,
    baseModel: 'llama-3-8b',
    adapter: { method: 'lora', rank: 8, alpha: 16, targetModules: ['q_proj'] },
    plannedRounds: 10,
    stepsPerRound: SETTINGS.steps,
    dp: { ...SETTINGS, delta: 1e-5, epsilonBudget: 4, datasetSize: null },
  })
  const key = await createAgentKey(server.url, admin, runId)
  for (let index = 0; index < rounds; index++) await reportRound(server.url, key, runId, roundAt(index, SETTINGS))
  return runId
}

test.beforeAll(async () => {
  server = await startConsoleServer()
  admin = await completeSetup(server.url, server.setupUrl as string)
  await createUser(server.url, admin, 'vera-viewer', ['viewer'])
  await createUser(server.url, admin, 'otto-operator', ['operator'])
  // Four rounds: near the budget and still running. Five: the fifth is refused and the run ends.
  nearRunId = await runWithRounds('near-budget-run-with-a-long-name', 4)
  endedRunId = await runWithRounds('ended-run', 5)
})
test.afterAll(async () => server.stop())

async function signIn(page: Page, username: string) {
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, username, ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
}

/** The main navigation's links, opening the phone drawer first when there is one. */
async function navLinks(page: Page, isPhone: boolean): Promise<string[]> {
  if (isPhone) await page.getByRole('button', { name: 'Menu' }).click()
  const nav = page.getByRole('navigation', { name: 'Main' })
  await expect(nav.getByRole('link', { name: 'Dashboard' })).toBeVisible()
  return nav.getByRole('link').allInnerTexts()
}

for (const [name, viewport] of Object.entries(VIEWPORTS)) {
  const isPhone = name === 'phone'
  test.describe(`at ${name} width`, () => {
    test.use({ viewport })

    test('the setup page shows every problem of the password at once', async ({ browser }) => {
      // A console of its own: setup happens once per server.
      const fresh = await startConsoleServer()
      const page = await (await browser.newContext({ viewport })).newPage()
      try {
        await page.goto(fresh.setupUrl as string)
        await expect(page.getByRole('heading', { level: 1, name: 'Create the first admin' })).toBeVisible()
        await page.getByLabel('Username').fill(ADMIN.username)
        await page.getByLabel('Display name').fill(ADMIN.displayName)
        await page.getByLabel('Password', { exact: true }).fill('short')
        await page.getByLabel('Confirm password').fill('shorter')
        await page.getByRole('button', { name: 'Create admin' }).click()
        await expect(page.getByText('Too short: use at least 12 characters.')).toBeVisible()
        await expect(page.getByText('The passwords do not match.')).toBeVisible()
        await expectNoSeriousA11yViolations(page, `setup with problems (${name})`)

        await page.getByLabel('Password', { exact: true }).fill(ADMIN.password)
        await page.getByLabel('Confirm password').fill(ADMIN.password)
        await page.getByRole('button', { name: 'Create admin' }).click()
        await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
        // The setup opened the admin's first session: it is listed as a sign-in, not "none yet".
        const signIns = page.getByRole('region', { name: 'Recent sign-ins' })
        await expect(signIns.getByTestId('sign-in-event')).toHaveCount(1)
        await expect(signIns.getByTestId('sign-in-event')).toContainText(ADMIN.username)
        await expect(signIns.getByText('No sign-ins recorded yet')).toHaveCount(0)
      } finally {
        await page.context().close()
        await fresh.stop()
      }
    })

    test('/login leads to the sign-in page, keeping where to go next', async ({ page }) => {
      await page.goto(`${server.url}/login?redirect=/audit`)
      await expect(page).toHaveURL(/\/sign-in\?redirect=(%2F|\/)audit$/)
      await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible()
      await expectNoSeriousA11yViolations(page, `/login (${name})`)
    })

    test('the shell links to the API docs', async ({ page, request }) => {
      await signIn(page, ADMIN.username)
      if (isPhone) await page.getByRole('button', { name: 'Menu' }).click()
      else await page.getByTestId('user-menu-button').click()
      const docs = page.getByRole('link', { name: 'API docs' })
      await expect(docs).toBeVisible()
      await expect(docs).toHaveAttribute('href', '/api/docs')
      expect((await request.get(`${server.url}/api/docs`)).status()).toBe(200)
      await expectNoSeriousA11yViolations(page, `API docs link (${name})`)
    })

    test('the near-budget table shows its whole bar', async ({ page }) => {
      await signIn(page, ADMIN.username)
      const budget = page.getByTestId('dashboard-training-budget')
      const row = budget.getByRole('row').filter({ hasText: 'near-budget-run-with-a-long-name' })
      await expect(row.getByTestId('budget-bar')).toHaveAttribute('data-level', 'near')
      // Desktop widths where the dashboard sets the table in a column of about 340-360 px.
      for (const width of isPhone ? [viewport.width] : [1000, 1280, 1400]) {
        await page.setViewportSize({ width, height: viewport.height })
        // Every bar lies inside its cell, and the table inside its column: nothing runs past an edge.
        const overflows = await budget.getByTestId('budget-bar').evaluateAll((bars) =>
          bars.flatMap((el) => {
            const box = el.getBoundingClientRect()
            const table = el.closest('table') as HTMLElement
            const column = (table.parentElement as HTMLElement).getBoundingClientRect()
            const cell = (el.closest('td') as HTMLElement).getBoundingClientRect()
            const edges = [
              box.right <= cell.right + 0.5 ? null : 'bar past its cell',
              table.getBoundingClientRect().right <= column.right + 0.5 ? null : 'table past its column',
              box.right <= Math.min(column.right, window.innerWidth) + 0.5 ? null : 'bar past the column',
            ]
            return edges.filter((edge) => edge !== null)
          }),
        )
        expect(overflows, `at ${width} px`).toEqual([])
      }
      await expectNoSeriousA11yViolations(page, `dashboard near budget (${name})`)
    })

    test('a finished run does not promise new rounds; a running one does', async ({ page }) => {
      await signIn(page, ADMIN.username)
      await page.goto(`${server.url}/training/runs/${endedRunId}`)
      await expect(page.getByRole('heading', { level: 1, name: 'ended-run' })).toBeVisible()
      await expect(page.getByTestId('run-finished')).toHaveText('This run has ended: no new rounds will appear.')
      await expect(page.getByText('Live: new rounds appear')).toHaveCount(0)
      await expectNoSeriousA11yViolations(page, `ended run (${name})`)

      await page.goto(`${server.url}/training/runs/${nearRunId}`)
      await expect(page.getByRole('heading', { level: 1, name: 'near-budget-run-with-a-long-name' })).toBeVisible()
      await expect(page.getByText('Live: new rounds appear as they are reported')).toBeVisible()
      await expect(page.getByTestId('run-finished')).toHaveCount(0)
    })

    test('each role sees the views and dashboard panels it can use', async ({ browser }) => {
      const expected = {
        'vera-viewer': ['Dashboard', 'Training', 'Marketplace', 'FedMoE', 'Integrations'],
        'otto-operator': ['Dashboard', 'Training', 'Marketplace', 'FedMoE', 'Integrations'],
        [ADMIN.username]: ['Dashboard', 'Training', 'Marketplace', 'FedMoE', 'Integrations', 'Audit', 'Admin'],
      }
      for (const [username, links] of Object.entries(expected)) {
        const page = await (await browser.newContext({ viewport })).newPage()
        await signIn(page, username)
        await expect(page.getByRole('region', { name: 'Training' })).toBeVisible()
        await expect(page.locator('[data-testid="query-state"][data-state="loading"]')).toHaveCount(0)
        const isAdmin = username === ADMIN.username
        // Nobody is shown a panel only to be told they may not read it.
        await expect(page.locator('[data-testid="query-state"][data-error-code="FORBIDDEN"]')).toHaveCount(0)
        await expect(page.getByText("You don't have access")).toHaveCount(0)
        await expect(page.getByRole('region', { name: 'Users' })).toHaveCount(isAdmin ? 1 : 0)
        await expect(page.getByRole('region', { name: 'Recent sign-ins' })).toHaveCount(isAdmin ? 1 : 0)
        await expectNoSeriousA11yViolations(page, `dashboard as ${username} (${name})`)
        expect(await navLinks(page, isPhone), `${username}'s navigation`).toEqual(links)
        await page.context().close()
      }
    })
  })
}
