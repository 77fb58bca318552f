import { readFileSync } from 'node:fs'
import { expect, test } from '../../support/test'
import { ADMIN, completeSetup } from '../../support/api'
import { expectNoSeriousA11yViolations } from '../../support/axe'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { buildVersions, postApi } from '../../support/tgsp-releases'
import { signInUi } from '../../support/ui'

let server: ConsoleServer
let cleanup = () => undefined as void

// support-bot 1.0.0 went live on canary and stable; 1.1.0 replaced it on stable and was rolled
// back, so 1.0.0 is live on both channels again and its first stable release is in the history.
test.beforeAll(async () => {
  test.setTimeout(120_000)
  const starting = startConsoleServer()
  const built = buildVersions(['1.0.0', '1.1.0'])
  cleanup = built.cleanup
  server = await starting
  const admin = await completeSetup(server.url, server.setupUrl as string)
  await postApi(server.url, admin, '/api/v1/tgsp/publishers', { name: 'Acme Models', ...built.publisherKey })
  const upload = (version: string) =>
    postApi(server.url, admin, '/api/v1/tgsp/packages', new Uint8Array(readFileSync(built.files[version] as string)))
  const [first, second] = [await upload('1.0.0'), await upload('1.1.0')]
  const fleet = await postApi(server.url, admin, '/api/v1/tgsp/fleets', { name: 'edge-eu' })
  const release = (packageId: string, channel: string) =>
    postApi(server.url, admin, '/api/v1/tgsp/releases', { packageId, fleetId: fleet.id, channel })
  await release(first.id, 'canary')
  const firstStable = await release(first.id, 'stable')
  await release(second.id, 'stable')
  await postApi(server.url, admin, `/api/v1/tgsp/releases/${firstStable.id}/rollback`, { notes: '' })
})
test.afterAll(async () => {
  await server?.stop()
  cleanup()
})

const VIEWPORTS = [
  ['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
] as const

for (const [label, viewport] of VIEWPORTS) {
  test(`${label}: publisher counts its packages, the revoke dialog names live releases, no rollback to the live package`, async ({
    page,
  }) => {
    test.setTimeout(90_000)
    await page.setViewportSize(viewport)
    await page.goto(`${server.url}/sign-in`)
    await signInUi(page, ADMIN.username, ADMIN.password)
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()

    await page.goto(`${server.url}/marketplace/publishers`)
    const row = page.getByTestId('publisher-row').filter({ hasText: 'Acme Models' })
    await expect(row.getByRole('link', { name: '2 packages of Acme Models' })).toBeVisible()
    await row.getByRole('button', { name: 'Revoke Acme Models' }).click()
    const dialog = page.getByTestId('revoke-publisher-dialog')
    await expect(dialog).toContainText('Its 2 packages are marked')
    const live = dialog.getByRole('list', { name: 'Live releases that become signer-revoked' }).getByRole('listitem')
    await expect(live).toHaveText(['edge-eu · canary: support-bot 1.0.0', 'edge-eu · stable: support-bot 1.0.0'])
    await expectNoSeriousA11yViolations(page, `${label} revoke dialog`)
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await expect(dialog).toBeHidden()

    await page.goto(`${server.url}/marketplace/releases`)
    const stable = page.locator('[data-testid="release-channel"][data-channel="stable"]')
    await expect(stable.locator('[data-testid="release"][data-active="true"]')).toContainText('support-bot 1.0.0')
    await expect(stable.locator('[data-testid="release"][data-active="false"]')).toHaveCount(2)
    await expect(
      stable.getByRole('button', { name: 'Roll back to this: support-bot 1.1.0 on edge-eu · stable' }),
    ).toBeVisible()
    await expect(stable.getByRole('button', { name: /Roll back to this: support-bot 1\.0\.0/ })).toHaveCount(0)
    await expectNoSeriousA11yViolations(page, `${label} releases`)
  })
}
