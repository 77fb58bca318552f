import { expect, test } from '../../support/test'
import type { Page } from '@playwright/test'
import { ADMIN, completeSetup } from '../../support/api'
import { expectNoSeriousA11yViolations } from '../../support/axe'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { createRunWithRounds } from '../../support/training'
import { errorState, signInUi } from '../../support/ui'

let server: ConsoleServer
const runIds: Record<string, string> = {}

test.beforeAll(async () => {
  server = await startConsoleServer()
  const admin = await completeSetup(server.url, server.setupUrl as string)
  runIds.alpha = await createRunWithRounds(server.url, admin, 'cmp-alpha', 4)
  runIds.beta = await createRunWithRounds(server.url, admin, 'cmp-beta', 6)
  runIds.gamma = await createRunWithRounds(server.url, admin, 'cmp-gamma', 2)
})
test.afterAll(async () => server?.stop())

const rowOf = (page: Page, id: string) => page.locator(`[data-testid="run-row"][data-run-id="${id}"]`)

for (const [label, viewport] of [
  ['desktop', null],
  ['phone', { width: 390, height: 844 }],
] as const) {
  test(`two runs compare side by side on one chart, with a log-scale toggle kept in the URL (${label})`, async ({
    page,
  }) => {
    if (viewport) await page.setViewportSize(viewport)
    await page.goto(`${server.url}/sign-in`)
    await signInUi(page, ADMIN.username, ADMIN.password)
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
    await page.goto(`${server.url}/training`)
    const compare = page.getByTestId('compare-runs-button')
    await expect(compare).toBeDisabled()
    await rowOf(page, runIds.alpha!).getByRole('checkbox').click()
    await expect(compare).toBeDisabled()
    await rowOf(page, runIds.beta!).getByRole('checkbox').click()
    await expect(compare).toHaveText('Compare 2 selected')
    await expectNoSeriousA11yViolations(page, `/training with two runs ticked (${label})`)
    await compare.click()

    await expect(page).toHaveURL(/\/training\/compare\?runs=/)
    const ids = new URL(page.url()).searchParams.get('runs')?.split(',')
    expect(ids?.sort()).toEqual([runIds.alpha, runIds.beta].sort())
    const chart = page.getByTestId('compare-chart')
    await expect(chart).toHaveAttribute('data-log', 'false')
    await expect(chart.getByTestId('chart')).toHaveAttribute('aria-label', /cmp-alpha: round 3, .*epsilon/)
    await expect(chart.getByTestId('chart')).toHaveAttribute('aria-label', /cmp-beta: round 5, /)
    await expect(page.getByTestId('compare-runs').getByRole('link', { name: 'cmp-alpha' })).toBeVisible()
    await expect(page.getByTestId('compare-runs').getByRole('link', { name: 'cmp-beta' })).toBeVisible()
    await expectNoSeriousA11yViolations(page, `/training/compare (${label})`)

    await page.getByTestId('compare-log').click()
    await expect(page).toHaveURL(/log=1/)
    await expect(chart).toHaveAttribute('data-log', 'true')
    await page.reload()
    await expect(page.getByTestId('compare-chart')).toHaveAttribute('data-log', 'true')
    await expect(page.getByTestId('compare-runs').getByRole('link')).toHaveCount(2)
  })
}

test('fewer than two runs ask for a choice; an unknown run shows the error state', async ({ page }) => {
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, ADMIN.username, ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  await page.goto(`${server.url}/training/compare?runs=${runIds.alpha}`)
  await expect(page.getByTestId('compare-too-few')).toBeVisible()
  await page.goto(`${server.url}/training/compare?runs=${runIds.alpha},00000000-0000-4000-8000-000000000000`)
  await expect(errorState(page, 'NOT_FOUND')).toBeVisible()
  await expect(page.getByTestId('compare-chart')).toHaveCount(0)
})
