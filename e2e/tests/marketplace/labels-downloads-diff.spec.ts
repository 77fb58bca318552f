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

test.beforeEach(async ({ page }) => {
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, ADMIN.username, ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
})

test('labels are set on the package page, shown as tags, and filter the list by the URL', async ({ page }) => {
  await page.goto(`${server.url}/marketplace/packages/${ids.v2}`)
  await expect(page.getByRole('heading', { level: 1, name: 'vision-lora 1.1.0' })).toBeVisible()
  const block = page.getByTestId('package-labels-block')
  await expect(block).toContainText('No labels')
  await block.getByRole('button', { name: 'Edit labels' }).click()
  for (const label of ['env=prod', 'GPU']) {
    await block.getByRole('button', { name: 'Add label' }).click()
    await block.getByLabel('New label').fill(label)
    await block.getByLabel('New label').press('Enter')
  }
  // An uppercase label is refused before it is sent, and says why.
  await expect(block.getByRole('alert')).toContainText('"GPU": Use lowercase letters only.')
  await expect(block.getByRole('button', { name: 'Save labels' })).toBeDisabled()
  await block.locator('.n-tag', { hasText: 'GPU' }).locator('.n-tag__close').click()
  await block.getByRole('button', { name: 'Add label' }).click()
  await block.getByLabel('New label').fill('gpu')
  await block.getByLabel('New label').press('Enter')
  await block.getByRole('button', { name: 'Save labels' }).click()
  await expect(block.getByTestId('package-labels')).toHaveText(/env=prod\s*gpu/)
  await expectNoSeriousA11yViolations(page, 'package page with labels')

  // A tag links to the list filtered by it; the filter is in the URL and survives a reload.
  await block.getByRole('link', { name: 'env=prod' }).click()
  await expect(page).toHaveURL(/\/marketplace\?label=env(=|%3D)prod$/)
  await page.reload()
  await expect(page.getByLabel('Label')).toHaveValue('env=prod')
  const rows = page.getByTestId('package-row')
  await expect(rows).toHaveCount(1)
  await expect(rows.first()).toHaveAttribute('data-package-id', ids.v2)
  await expect(rows.first().getByTestId('package-labels')).toContainText('gpu')
  await page.getByRole('button', { name: 'Clear filters' }).click()
  await expect(rows).toHaveCount(2)
  await page.getByLabel('Label').fill('gpu')
  await expect(page).toHaveURL(/label=gpu/)
  await expect(rows).toHaveCount(1)
})

test('a completed download is counted on the package page and in the list', async ({ page }) => {
  await page.goto(`${server.url}/marketplace/packages/${ids.v1}`)
  await expect(page.getByTestId('package-downloads')).toHaveText('0 completed downloads')
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('package-download').click()])
  expect(await download.failure()).toBeNull()
  expect(download.suggestedFilename()).toBe('vision-lora-1.0.0.tgsp')
  await page.reload()
  await expect(page.getByTestId('package-downloads')).toHaveText('1 completed download')
  await page.goto(`${server.url}/marketplace?sort=downloads&order=desc`)
  const first = page.getByTestId('package-row').first()
  await expect(first).toHaveAttribute('data-package-id', ids.v1)
  await expect(first.getByTestId('package-downloads')).toHaveText('1')
})

test('"Compare with…" opens the manifest diff, which has its own deep link', async ({ page }) => {
  await page.goto(`${server.url}/marketplace/packages/${ids.v2}`)
  const compare = page.getByLabel('Compare with…')
  await expect(compare.locator('optgroup').first()).toHaveAttribute('label', 'Other versions of vision-lora')
  await compare.selectOption(ids.v1)
  await expect(page).toHaveURL(`${server.url}/marketplace/packages/${ids.v2}/compare/${ids.v1}`)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('vision-lora 1.0.0 → vision-lora 1.1.0')

  // The same view from its link alone, after a reload.
  await page.reload()
  const version = page.getByTestId('diff-field').filter({ hasText: 'model_version' })
  await expect(version).toContainText('Changed')
  await expect(version).toContainText('1.0.0')
  await expect(version).toContainText('1.1.0')
  await expect(page.getByTestId('diff-field').filter({ hasText: 'compat_base_model_id' })).toContainText('mistral-7b')
  const files = page.getByTestId('diff-file')
  await expect(files.filter({ hasText: 'adapter_config.json' })).toContainText('Changed')
  await expect(files.filter({ hasText: 'tokenizer.json' })).toContainText('Added')
  await expect(page.getByTestId('diff-files-unchanged')).toHaveText('1 file is the same in both.')
  await expect(page.getByTestId('diff-signer')).toHaveText('Both are signed by Vision Lab.')
  await expectNoSeriousA11yViolations(page, 'manifest diff')

  await page.goto(`${server.url}/marketplace/packages/${ids.v1}/compare/${ids.v1}`)
  await expect(page.getByTestId('diff-identical')).toContainText('The manifests are identical')
})

test('the diff and the labelled list at phone width (390x844)', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto(`${server.url}/marketplace/packages/${ids.v2}/compare/${ids.v1}`)
  await expect(page.getByTestId('diff-files')).toBeVisible()
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
  await expectNoSeriousA11yViolations(page, 'manifest diff (phone)')
  await page.goto(`${server.url}/marketplace/packages/${ids.v2}`)
  await expect(page.getByLabel('Compare with…')).toBeVisible()
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
  await expectNoSeriousA11yViolations(page, 'package page (phone)')
})
