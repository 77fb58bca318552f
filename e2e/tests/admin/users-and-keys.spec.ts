import { expect, test } from '../../support/test'
import { ADMIN, completeSetup, createUser } from '../../support/api'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { signInUi } from '../../support/ui'

test.describe.configure({ mode: 'serial' })

let server: ConsoleServer
test.beforeAll(async () => {
  server = await startConsoleServer()
  const admin = await completeSetup(server.url, server.setupUrl as string)
  for (const name of ['olga', 'oscar', 'pia']) await createUser(server.url, admin, name, ['operator'])
  await createUser(server.url, admin, 'paul', ['publisher'])
})
test.afterAll(async () => server.stop())

test.beforeEach(async ({ page }) => {
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, ADMIN.username, ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
})

test('user filters live in the URL and survive a reload', async ({ page }) => {
  await page.goto(`${server.url}/admin/users`)
  const table = page.getByRole('table')
  await expect(table.getByText('olga')).toBeVisible()
  await page.getByRole('searchbox', { name: /Search/ }).fill('o')
  await page.getByRole('searchbox', { name: /Search/ }).press('Enter')
  await expect(page).toHaveURL(/[?&]q=o/)

  await page.goto(`${server.url}/admin/users?q=pi`)
  await expect(table.getByText('pia')).toBeVisible()
  await expect(table.getByText('olga')).toHaveCount(0)
  await page.reload()
  await expect(page).toHaveURL(/[?&]q=pi/)
  await expect(page.getByRole('searchbox', { name: /Search/ })).toHaveValue('pi')
  await expect(page.getByRole('table').getByText('pia')).toBeVisible()
  await expect(page.getByRole('table').getByText('olga')).toHaveCount(0)
})

test('a filter that matches nothing shows the empty state, not an empty table', async ({ page }) => {
  await page.goto(`${server.url}/admin/users?q=zzzz-nobody`)
  await expect(page.locator('[data-testid="query-state"][data-state="empty"]')).toBeVisible()
})

test('an API key is shown once, works for a machine client, and stops working when revoked', async ({ page }) => {
  await page.goto(`${server.url}/admin/api-keys`)
  await page.getByRole('main').getByRole('button', { name: 'Create API key' }).first().click()
  const dialog = page.getByRole('dialog')
  await dialog.getByLabel('Name').fill('ci-pipeline')
  await dialog.getByRole('button', { name: 'Create API key' }).click()
  const secretBox = dialog.getByTestId('api-key-secret')
  await expect(secretBox).toHaveText(/tgk_/)
  const secret = ((await secretBox.textContent()) ?? '').trim()
  expect(secret).toMatch(/^tgk_[A-Za-z0-9_-]{43}$/)

  const asMachine = () =>
    fetch(`${server.url}/api/v1/system/health`, { headers: { authorization: `Bearer ${secret}` } })
  expect((await asMachine()).status).toBe(200)

  await dialog.getByRole('button', { name: 'Done' }).click()
  await expect(dialog).toBeHidden()
  const row = page.getByRole('row', { name: /ci-pipeline/ })
  await expect(row).toBeVisible()
  await expect(page.getByText(secret)).toHaveCount(0)

  await row.getByRole('button', { name: 'Revoke ci-pipeline' }).click()
  const confirm = page.getByRole('dialog', { name: 'Revoke ci-pipeline?' })
  await confirm.getByRole('button', { name: 'Revoke key' }).click()
  await expect(confirm).toBeHidden()
  await expect(row.getByTestId('status-badge')).toHaveAttribute('data-status', 'revoked')
  expect((await asMachine()).status).toBe(401)
})
