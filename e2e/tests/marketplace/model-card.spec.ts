import { expect, test } from '../../support/test'
import { ADMIN, completeSetup } from '../../support/api'
import { expectNoSeriousA11yViolations } from '../../support/axe'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { buildPackage, releasePackage } from '../../support/tgsp'
import { signInUi } from '../../support/ui'

let server: ConsoleServer
const DESCRIPTION = [
  '# Support bot',
  '',
  'Answers customer tickets in English.\nTrained on 40k anonymised conversations.',
  '',
  '<img src=x onerror="window.__pwned = true"> License: MIT',
].join('\n')

test.beforeAll(async () => {
  server = await startConsoleServer()
  const admin = await completeSetup(server.url, server.setupUrl as string)
  const built = buildPackage('1.0.0', DESCRIPTION)
  try {
    await releasePackage(server.url, admin, built, 'canary')
  } finally {
    built.cleanup()
  }
})
test.afterAll(async () => server?.stop())

for (const [label, viewport] of [
  ['desktop', null],
  ['phone', { width: 390, height: 844 }],
] as const) {
  test(`a package shows its manifest's description as a model card, as text (${label})`, async ({ page }) => {
    if (viewport) await page.setViewportSize(viewport)
    await page.goto(`${server.url}/sign-in`)
    await signInUi(page, ADMIN.username, ADMIN.password)
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
    await page.goto(`${server.url}/marketplace`)
    await page.getByRole('link', { name: 'support-bot 1.0.0' }).first().click()
    const card = page.getByTestId('package-model-card')
    await expect(card.getByRole('heading', { name: 'Model card' })).toBeVisible()
    const paragraphs = card.locator('p')
    await expect(paragraphs).toHaveCount(3)
    await expect(paragraphs.nth(0)).toHaveText('# Support bot')
    await expect(paragraphs.nth(1)).toContainText('Answers customer tickets in English.')
    await expect(paragraphs.nth(1)).toContainText('Trained on 40k anonymised conversations.')
    // The publisher's markup is shown, never run.
    await expect(paragraphs.nth(2)).toContainText('<img src=x onerror="window.__pwned = true"> License: MIT')
    await expect(card.locator('img')).toHaveCount(0)
    expect(await page.evaluate(() => (window as { __pwned?: boolean }).__pwned)).toBeUndefined()
    await expectNoSeriousA11yViolations(page, `package model card (${label})`)
  })
}
