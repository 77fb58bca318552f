import { readFileSync } from 'node:fs'
import type { Browser } from '@playwright/test'
import { expect, test } from '../../support/test'
import { ADMIN, completeSetup, createUser } from '../../support/api'
import { expectNoSeriousA11yViolations } from '../../support/axe'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { buildVersions, postApi } from '../../support/tgsp-releases'
import { signInUi } from '../../support/ui'

let server: ConsoleServer
let cleanup = () => undefined as void
let packageId: string

// edge-eu holds a package 60 minutes on canary before stable; support-bot 1.0.0 went to canary just now.
test.beforeAll(async () => {
  test.setTimeout(120_000)
  const starting = startConsoleServer()
  const built = buildVersions(['1.0.0'])
  cleanup = built.cleanup
  server = await starting
  const admin = await completeSetup(server.url, server.setupUrl as string)
  await createUser(server.url, admin, 'remy-releases', ['release-manager'])
  await postApi(server.url, admin, '/api/v1/tgsp/publishers', { name: 'Acme Models', ...built.publisherKey })
  const bytes = new Uint8Array(readFileSync(built.files['1.0.0'] as string))
  packageId = (await postApi(server.url, admin, '/api/v1/tgsp/packages', bytes)).id
  const fleet = await postApi(server.url, admin, '/api/v1/tgsp/fleets', { name: 'edge-eu', soakMinutes: 60 })
  await postApi(server.url, admin, '/api/v1/tgsp/releases', { packageId, fleetId: fleet.id, channel: 'canary' })
})
test.afterAll(async () => {
  await server?.stop()
  cleanup()
})

async function promoteDialog(browser: Browser, username: string, viewport: { width: number; height: number }) {
  const page = await (await browser.newContext({ viewport })).newPage()
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, username, ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  await page.goto(`${server.url}/marketplace/packages/${packageId}`)
  await page.getByRole('button', { name: 'Promote' }).click()
  const dialog = page.getByTestId('promote-package-dialog')
  await dialog.getByLabel('Fleet').selectOption({ label: 'edge-eu' })
  await dialog.getByLabel('Channel').selectOption('stable')
  return { page, dialog }
}

const VIEWPORTS = [
  ['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
] as const

for (const [label, viewport] of VIEWPORTS) {
  test(`${label}: the promote dialog says when stable is allowed and holds it for a release manager`, async ({
    browser,
  }) => {
    const { page, dialog } = await promoteDialog(browser, 'remy-releases', viewport)
    const policy = dialog.getByTestId('release-policy')
    await expect(policy).toHaveAttribute('data-kind', 'waiting')
    await expect(policy).toContainText('stable is allowed from')
    await expect(policy).toContainText('after 60 minutes on canary')
    await expect(dialog.getByRole('button', { name: 'Promote' })).toBeDisabled()
    await expect(dialog.getByText('Override the release policy')).toHaveCount(0)
    await expectNoSeriousA11yViolations(page, `${label} promote dialog with release policy`)
    await page.context().close()
  })
}

test('an admin overrides the soak time with a reason, and the release is audited with it', async ({ browser }) => {
  const { page, dialog } = await promoteDialog(browser, ADMIN.username, { width: 1280, height: 800 })
  await dialog.getByText('Override the release policy').click()
  const promote = dialog.getByRole('button', { name: 'Promote' })
  await expect(promote).toBeDisabled()
  await dialog.getByLabel('Reason for the override').fill('CVE hotfix approved by the on-call lead')
  await promote.click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('package-facts')).toContainText('edge-eu · stable')
  await page.goto(`${server.url}/audit`)
  await page.getByTestId('audit-row').first().click()
  const drawer = page.getByTestId('audit-entry-drawer')
  await expect(drawer).toContainText('tgsp.release_promoted')
  await expect(drawer).toContainText('CVE hotfix approved by the on-call lead')
  await page.context().close()
})
