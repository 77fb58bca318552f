import { readFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { expect, test } from '../../support/test'
import { ADMIN, completeSetup, createUser } from '../../support/api'
import { expectNoSeriousA11yViolations } from '../../support/axe'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { buildVersions, postApi } from '../../support/tgsp-releases'
import { signInUi } from '../../support/ui'

type Session = { cookie: string; csrf: string }

let server: ConsoleServer
let admin: Session
let cleanup = () => undefined as void
let packageId: string
let fleetId: string
let fleetKey: string

/** A health report as a fleet agent sends it: its fleet key, no browser. */
async function reportHealth(successes: number, failures: number) {
  const res = await fetch(`${server.url}/api/v1/tgsp/fleets/${fleetId}/health`, {
    method: 'POST',
    headers: { authorization: `Bearer ${fleetKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ channel: 'canary', packageId, successes, failures }),
  })
  if (res.status !== 201) throw new Error(`report health: ${res.status} ${await res.text()}`)
}

// edge-eu promotes to stable only with at most 5% failures over 100 samples on canary; support-bot
// 1.0.0 is live on canary and its agents reported 20% failures.
test.beforeAll(async () => {
  test.setTimeout(120_000)
  const starting = startConsoleServer()
  const built = buildVersions(['1.0.0'])
  cleanup = built.cleanup
  server = await starting
  admin = await completeSetup(server.url, server.setupUrl as string)
  await createUser(server.url, admin, 'remy-releases', ['release-manager'])
  await postApi(server.url, admin, '/api/v1/tgsp/publishers', { name: 'Acme Models', ...built.publisherKey })
  const bytes = new Uint8Array(readFileSync(built.files['1.0.0'] as string))
  packageId = (await postApi(server.url, admin, '/api/v1/tgsp/packages', bytes)).id
  fleetId = (await postApi(server.url, admin, '/api/v1/tgsp/fleets', { name: 'edge-eu' })).id
  const policy = await fetch(`${server.url}/api/v1/tgsp/fleets/${fleetId}/health-policy`, {
    method: 'PUT',
    headers: {
      origin: server.url,
      'content-type': 'application/json',
      cookie: `tg_session=${admin.cookie}`,
      'x-csrf-token': admin.csrf,
    },
    body: JSON.stringify({ health: { maxFailureRate: 0.05, minReports: 1, minSamples: 100 } }),
  })
  if (policy.status !== 200) throw new Error(`policy: ${policy.status} ${await policy.text()}`)
  await postApi(server.url, admin, '/api/v1/tgsp/releases', { packageId, fleetId, channel: 'canary' })
  fleetKey = (
    (await postApi(server.url, admin, `/api/v1/tgsp/fleets/${fleetId}/agent-keys`, {
      name: 'edge-eu agent',
    })) as unknown as { secret: string }
  ).secret
  await reportHealth(80, 20)
})
test.afterAll(async () => {
  await server?.stop()
  cleanup()
})

async function signedIn(page: Page, username: string) {
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, username, ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
}

async function promoteToStable(page: Page) {
  await page.goto(`${server.url}/marketplace/packages/${packageId}`)
  await page.getByRole('button', { name: 'Promote' }).click()
  const dialog = page.getByTestId('promote-package-dialog')
  await dialog.getByLabel('Fleet').selectOption({ label: 'edge-eu' })
  await dialog.getByLabel('Channel').selectOption('stable')
  await dialog.getByRole('button', { name: 'Promote' }).click()
  return dialog
}

test('the fleet page shows canary health and the policy; promotion is refused with the failure rate, then allowed', async ({
  page,
}) => {
  await signedIn(page, 'remy-releases')
  await page.goto(`${server.url}/marketplace/fleets`)
  await page.getByRole('link', { name: 'edge-eu' }).click()
  await expect(page.getByTestId('fleet-health-policy')).toContainText('failure rate of at most 5%')
  await expect(page.getByRole('button', { name: 'Edit health policy' })).toHaveCount(0)
  const canary = page.locator('[data-testid="fleet-health-row"][data-channel="canary"]')
  await expect(canary).toContainText('support-bot 1.0.0')
  await expect(canary).toContainText('20%')
  await expect(canary.getByTestId('status-badge')).toHaveAttribute('data-status', 'unhealthy')

  const dialog = await promoteToStable(page)
  const refusal = dialog.getByTestId('release-refusal')
  await expect(refusal).toContainText('The release policy refuses this promotion')
  await expect(refusal.locator('[data-condition="failureRate"]')).toHaveAttribute('data-passed', 'false')
  await expect(refusal.locator('[data-condition="failureRate"]')).toContainText('Failure rate 20% on canary')
  await expect(refusal.locator('[data-condition="samples"]')).toHaveAttribute('data-passed', 'true')
  await expect(dialog.getByRole('button', { name: 'Promote' })).toBeDisabled()
  await expect(dialog.getByText('Override the release policy')).toHaveCount(0)
  await dialog.getByRole('button', { name: 'Cancel' }).click()

  // The canary agents report a healthy stretch: 20 failures in 2,000 samples is 1%.
  await reportHealth(1900, 0)
  const again = await promoteToStable(page)
  await expect(again).toBeHidden()
  await expect(page.getByTestId('package-facts')).toContainText('edge-eu · stable')
})

test('an admin edits the health policy on the fleet page (phone width, axe)', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 })
  await signedIn(page, ADMIN.username)
  await page.goto(`${server.url}/marketplace/fleets/${fleetId}`)
  await expect(page.getByTestId('fleet-health-table')).toBeVisible()
  await expectNoSeriousA11yViolations(page, 'phone fleet page with health')
  await page.getByRole('button', { name: 'Edit health policy' }).click()
  const dialog = page.getByTestId('fleet-health-policy-dialog')
  await dialog.getByLabel('Highest failure rate (%)').fill('2.5')
  await dialog.getByLabel('Reports at least').fill('3')
  await dialog.getByRole('button', { name: 'Save' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('fleet-health-policy')).toContainText('at least 3 reports')
  await expect(page.getByTestId('fleet-health-policy')).toContainText('at most 2.5%')
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  expect(overflow).toBeLessThanOrEqual(0)

  // A new fleet agent key is shown once, with the call its agents make; it reports for this fleet.
  await page.getByRole('button', { name: 'Fleet agent key' }).click()
  const keyDialog = page.getByTestId('fleet-agent-key-dialog')
  await keyDialog.getByRole('button', { name: 'Create key' }).click()
  await expect(keyDialog.getByTestId('fleet-agent-key-created')).toContainText(`/api/v1/tgsp/fleets/${fleetId}/health`)
  fleetKey = (await keyDialog.getByTestId('fleet-agent-key-secret').textContent())?.trim() ?? ''
  await reportHealth(10, 0)
  await keyDialog.getByRole('button', { name: 'Done' }).click()
  await page.reload()
  await expect(page.locator('[data-testid="fleet-health-row"][data-channel="canary"]')).toContainText('1,990')
})
