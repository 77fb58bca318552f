import { readFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { expect, test } from '../../support/test'
import { ADMIN, completeSetup } from '../../support/api'
import { expectNoSeriousA11yViolations } from '../../support/axe'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { buildVersions, postApi } from '../../support/tgsp-releases'
import { createRunWithRounds } from '../../support/training'
import { signInUi } from '../../support/ui'

let server: ConsoleServer
let cleanup = () => undefined as void
let runId: string
let packageId: string
let releaseId: string

test.beforeAll(async () => {
  test.setTimeout(120_000)
  const starting = startConsoleServer()
  const built = buildVersions(['1.0.0'])
  cleanup = built.cleanup
  server = await starting
  const admin = await completeSetup(server.url, server.setupUrl as string)
  runId = await createRunWithRounds(server.url, admin, 'linked-run', 5)
  await postApi(server.url, admin, '/api/v1/tgsp/publishers', { name: 'Acme Models', ...built.publisherKey })
  const bytes = new Uint8Array(readFileSync(built.files['1.0.0'] as string))
  packageId = (await postApi(server.url, admin, '/api/v1/tgsp/packages', bytes)).id
  const fleet = await postApi(server.url, admin, '/api/v1/tgsp/fleets', { name: 'edge-eu' })
  releaseId = (
    await postApi(server.url, admin, '/api/v1/tgsp/releases', { packageId, fleetId: fleet.id, channel: 'canary' })
  ).id
})
test.afterAll(async () => {
  await server?.stop()
  cleanup()
})

/** The link that the "Copy link" button named `name` copies, checked against the clipboard. */
async function copiedLink(page: Page, name: string): Promise<string> {
  const button = page.getByRole('button', { name })
  await button.click()
  await expect(page.locator('.copy-link', { has: button }).getByRole('status')).toHaveText('Link copied.')
  const copied = await page.evaluate(() => navigator.clipboard.readText())
  expect(copied).toBe(await button.getAttribute('data-href'))
  return copied
}

const VIEWPORTS = [
  ['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
] as const

for (const [label, viewport] of VIEWPORTS) {
  test(`${label}: an audit entry, a package, a release, a run and a round each have a link that reloads to the same view`, async ({
    browser,
  }) => {
    test.setTimeout(120_000)
    const context = await browser.newContext({ viewport })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url })
    const page = await context.newPage()
    await page.goto(`${server.url}/sign-in`)
    await signInUi(page, ADMIN.username, ADMIN.password)
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()

    // Audit entry: opening one puts it in the URL; the copied link and a reload open it again.
    await page.goto(`${server.url}/audit`)
    const row = page.getByTestId('audit-row').nth(2)
    const seq = (await row.getAttribute('data-seq')) as string
    await row.click()
    const drawer = page.getByTestId('audit-entry-drawer')
    await expect(drawer).toHaveAttribute('data-seq', seq)
    await expect(page).toHaveURL(`${server.url}/audit?entry=${seq}`)
    expect(await copiedLink(page, `Copy link to entry ${seq}`)).toBe(`${server.url}/audit?entry=${seq}`)
    await expectNoSeriousA11yViolations(page, `${label} audit entry`)
    await page.reload()
    await expect(page.getByTestId('audit-entry-drawer')).toHaveAttribute('data-seq', seq)
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('audit-entry-drawer')).toBeHidden()
    await expect(page).toHaveURL(`${server.url}/audit`)
    // The path form, and an entry outside the filtered list (fetched on its own).
    await page.goto(`${server.url}/audit/entries/1`)
    await expect(page.getByTestId('audit-entry-drawer')).toHaveAttribute('data-seq', '1')
    await page.goto(`${server.url}/audit?actor=nobody-at-all&entry=${seq}`)
    await expect(page.getByTestId('audit-entry-drawer')).toHaveAttribute('data-seq', seq)

    // Package.
    await page.goto(`${server.url}/marketplace/packages/${packageId}`)
    expect(await copiedLink(page, 'Copy link to this package')).toBe(`${server.url}/marketplace/packages/${packageId}`)
    await page.reload()
    await expect(page.getByRole('heading', { level: 1, name: 'support-bot 1.0.0' })).toBeVisible()

    // Release: its link opens the releases view with that release marked, after a reload too.
    await page.goto(`${server.url}/marketplace/releases`)
    const releaseLink = await copiedLink(page, 'Copy link to this release: support-bot 1.0.0 on edge-eu · canary')
    await page.goto(releaseLink)
    const marked = page.locator(`[data-testid="release"][data-release-id="${releaseId}"]`)
    await expect(marked).toHaveAttribute('data-linked', 'true')
    await page.reload()
    await expect(marked).toHaveAttribute('aria-current', 'true')
    await expectNoSeriousA11yViolations(page, `${label} linked release`)

    // Run and round: the round's link opens the page that starts at that round, marked.
    await page.goto(`${server.url}/training/runs/${runId}`)
    expect(await copiedLink(page, 'Copy link to this run')).toBe(`${server.url}/training/runs/${runId}`)
    await page.getByRole('link', { name: 'Link to round 2' }).click()
    await expect(page).toHaveURL(/[?&]round=2(&|$)/)
    const linkedRound = page.locator('[data-testid="round-row"][data-linked="true"]')
    await expect(linkedRound).toHaveAttribute('data-index', '2')
    const roundLink = await copiedLink(page, 'Copy link to round 2')
    await page.reload()
    await expect(page).toHaveURL(roundLink)
    await expect(page.getByTestId('round-row').first()).toHaveAttribute('data-index', '2')
    await expect(linkedRound).toHaveAttribute('aria-current', 'true')
    await expectNoSeriousA11yViolations(page, `${label} linked round`)
    await context.close()
  })
}
