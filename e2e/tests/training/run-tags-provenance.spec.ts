import { readFileSync } from 'node:fs'
import { expect, test } from '../../support/test'
import { ADMIN, completeSetup, createUser } from '../../support/api'
import { expectNoSeriousA11yViolations } from '../../support/axe'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { buildVersions, postApi } from '../../support/tgsp-releases'
import { createAgentKey, createRunWithRounds } from '../../support/training'
import { signInUi } from '../../support/ui'

let server: ConsoleServer
let cleanup = () => undefined as void
let runId: string
let otherRunId: string
let packageId: string

// Two runs; the first one's agent reports the package it produced (as an agent does, with its key).
test.beforeAll(async () => {
  test.setTimeout(120_000)
  const starting = startConsoleServer()
  const built = buildVersions(['2.0.0'])
  cleanup = built.cleanup
  server = await starting
  const admin = await completeSetup(server.url, server.setupUrl as string)
  await createUser(server.url, admin, 'olga-ops', ['operator'])
  await createUser(server.url, admin, 'vic-viewer', ['viewer'])
  await postApi(server.url, admin, '/api/v1/tgsp/publishers', { name: 'Acme Models', ...built.publisherKey })
  const bytes = new Uint8Array(readFileSync(built.files['2.0.0'] as string))
  packageId = (await postApi(server.url, admin, '/api/v1/tgsp/packages', bytes)).id
  runId = await createRunWithRounds(server.url, admin, 'support-bot-dp', 2)
  otherRunId = await createRunWithRounds(server.url, admin, 'vision-dp', 1)
  const key = await createAgentKey(server.url, admin, runId)
  const res = await fetch(`${server.url}/api/v1/training/runs/${runId}/package`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ packageId }),
  })
  if (res.status !== 201) throw new Error(`report package: ${res.status} ${await res.text()}`)
})
test.afterAll(async () => {
  await server?.stop()
  cleanup()
})

test('an operator tags a run and writes a note (shown as text), and the runs list filters by tag', async ({ page }) => {
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, 'olga-ops', ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  await page.goto(`${server.url}/training/runs/${runId}`)
  const annotations = page.getByTestId('run-annotations')
  await expect(annotations).toContainText('No tags.')
  await annotations.getByRole('button', { name: 'Edit tags and note' }).click()
  const dialog = page.getByTestId('run-annotations-dialog')
  await dialog.getByLabel('Tags').fill('team=nlp, bad key')
  await expect(dialog).toContainText('key or key=value')
  await expect(dialog.getByRole('button', { name: 'Save' })).toBeDisabled()
  await dialog.getByLabel('Tags').fill('team=nlp, baseline')
  await dialog.getByLabel('Note').fill('Rank 16 <b>not bold</b>\nLoss flat after round 1.')
  await dialog.getByRole('button', { name: 'Save' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('run-tags')).toContainText('team=nlp')
  const note = page.getByTestId('run-note')
  await expect(note).toContainText('Rank 16 <b>not bold</b>')
  await expect(note.locator('b')).toHaveCount(0)

  // A tag links to the runs with it; the filter is in the URL.
  await page.getByTestId('run-tags').getByRole('link', { name: 'team=nlp' }).click()
  await expect(page).toHaveURL(/\/training\?tag=team%3Dnlp$/)
  const rows = page.getByTestId('run-row')
  await expect(rows).toHaveCount(1)
  await expect(page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`)).toContainText('baseline')
  await page.getByLabel('Tag', { exact: true }).fill('missing')
  await expect(page).toHaveURL(/tag=missing/)
  await expect(page.locator(`[data-testid="run-row"][data-run-id="${otherRunId}"]`)).toHaveCount(0)
  await expect(rows).toHaveCount(0)
})

test('the run links to the package it produced, and the package page links back to the run', async ({ page }) => {
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, 'vic-viewer', ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  await page.goto(`${server.url}/training/runs/${runId}`)
  await expect(page.getByRole('button', { name: 'Edit tags and note' })).toHaveCount(0)
  await page.getByTestId('run-produced-package').getByRole('link', { name: 'support-bot 2.0.0' }).click()
  await expect(page).toHaveURL(new RegExp(`/marketplace/packages/${packageId}$`))
  const producedBy = page.getByTestId('package-produced-by')
  await expect(producedBy).toContainText('Produced by run support-bot-dp')
  await producedBy.getByRole('link', { name: 'support-bot-dp' }).click()
  await expect(page).toHaveURL(new RegExp(`/training/runs/${runId}$`))
  await expect(page.getByRole('heading', { level: 1, name: 'support-bot-dp' })).toBeVisible()
})

test('phone width: the run page with tags, note and package passes axe and does not scroll sideways', async ({
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, 'olga-ops', ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  await page.goto(`${server.url}/training/runs/${runId}`)
  await expect(page.getByTestId('run-produced-package')).toBeVisible()
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  expect(overflow).toBeLessThanOrEqual(0)
  await expectNoSeriousA11yViolations(page, 'phone run page with annotations')
})

test('phone width: the run page does not shift when its live stream connects', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, 'olga-ops', ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  // The stream is held until the page has shown the run, so the page is seen connecting, then live.
  let release = () => undefined as void
  const held = new Promise<void>((resolve) => (release = resolve))
  await page.route('**/api/v1/training/events?*', async (route) => {
    await held
    await route.continue()
  })
  await page.goto(`${server.url}/training/runs/${runId}`)
  const indicator = page.getByTestId('live-indicator')
  await expect(indicator).toHaveAttribute('data-state', 'connecting')
  const tops = () =>
    page.evaluate(() =>
      ['copy-link', 'run-summary', 'run-produced-package'].map(
        (id) => document.querySelector(`[data-testid="${id}"]`)?.getBoundingClientRect().top,
      ),
    )
  const connecting = await tops()
  expect(connecting.every((top) => typeof top === 'number')).toBe(true)
  release()
  await expect(indicator).toHaveAttribute('data-state', 'open')
  expect(await tops()).toEqual(connecting)
})
