import { expect, test } from '../../support/test'
import { ADMIN, completeSetup } from '../../support/api'
import { expectNoSeriousA11yViolations } from '../../support/axe'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { uploadTwoVersions } from '../../support/tgsp-versions'
import { signInUi } from '../../support/ui'

let server: ConsoleServer
let ids: { v1: string; v2: string }

test.beforeAll(async () => {
  server = await startConsoleServer()
  const admin = await completeSetup(server.url, server.setupUrl as string)
  ids = await uploadTwoVersions(server.url, admin)
})
test.afterAll(async () => server?.stop())

test('desktop: re-verify a package, revoke its publisher, see it untrusted in the list and page, re-verify again', async ({
  page,
}) => {
  test.setTimeout(90_000)
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, ADMIN.username, ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()

  // A sound package of an active publisher re-verifies as verified.
  await page.goto(`${server.url}/marketplace/packages/${ids.v1}`)
  await expect(page.getByRole('heading', { level: 1, name: 'vision-lora 1.0.0' })).toBeVisible()
  await page.getByRole('button', { name: 'Re-verify' }).click()
  await expect(page.getByTestId('package-reverify-result')).toHaveText('Re-verified: Verified.')
  await expect(page.locator('[data-testid="package-check"][data-check="signer"]')).toHaveAttribute('data-ok', 'true')
  await expect(page.getByRole('button', { name: 'Promote' })).toBeEnabled()

  // Revoking the publisher's key marks both its packages untrusted.
  await page.goto(`${server.url}/marketplace/publishers`)
  const row = page.getByTestId('publisher-row').filter({ hasText: 'Vision Lab' })
  await row.getByRole('button', { name: 'Revoke Vision Lab' }).click()
  const dialog = page.getByTestId('revoke-publisher-dialog')
  await dialog.getByRole('button', { name: 'Revoke publisher' }).click()
  await expect(dialog).toBeHidden()

  await page.goto(`${server.url}/marketplace`)
  const rows = page.getByTestId('package-row')
  await expect(rows).toHaveCount(2)
  for (const id of [ids.v1, ids.v2]) {
    const badge = page.locator(`[data-testid="package-row"][data-package-id="${id}"] [data-testid="status-badge"]`)
    await expect(badge).toHaveAttribute('data-status', 'signer_revoked')
    await expect(badge).toHaveText('Untrusted: signer revoked')
  }

  // On the package page: untrusted, no promotion, and a re-verification records the failed signer check.
  await page.goto(`${server.url}/marketplace/packages/${ids.v1}`)
  await expect(page.getByRole('button', { name: 'Promote' })).toBeDisabled()
  await expect(page.locator('#promote-disabled-reason')).toContainText('untrusted')
  await page.getByRole('button', { name: 'Re-verify' }).click()
  await expect(page.getByTestId('package-reverify-result')).toHaveText('Re-verified: Untrusted: signer revoked.')
  const signer = page.locator('[data-testid="package-check"][data-check="signer"]')
  await expect(signer).toHaveAttribute('data-ok', 'false')
  await expect(signer).toContainText('"Vision Lab" is revoked')
  await expectNoSeriousA11yViolations(page, 'untrusted package page after re-verify')
})
