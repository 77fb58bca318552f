import { expect, test } from '../../support/test'
import { ADMIN, createUser, signInApi } from '../../support/api'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { errorState, signInUi } from '../../support/ui'

test.describe.configure({ mode: 'serial' })

let server: ConsoleServer
test.beforeAll(async () => {
  server = await startConsoleServer()
})
test.afterAll(async () => server.stop())

test('a fresh console sends the first visitor to setup, and the setup link creates the first admin', async ({
  page,
}) => {
  expect(server.setupUrl, 'the first start prints a setup link').toMatch(/\/setup#token=/)
  await page.goto(server.url)
  await expect(page).toHaveURL(/\/setup/)

  await page.goto(server.setupUrl as string)
  await expect(page.getByRole('heading', { level: 1, name: 'Create the first admin' })).toBeVisible()
  await page.getByLabel('Username').fill(ADMIN.username)
  await page.getByLabel('Display name').fill(ADMIN.displayName)
  await page.getByLabel('Password', { exact: true }).fill(ADMIN.password)
  await page.getByLabel('Confirm password').fill(ADMIN.password)
  await page.getByRole('button', { name: 'Create admin' }).click()

  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  await expect(page.getByRole('button', { name: new RegExp(ADMIN.displayName) })).toBeVisible()
  // The dashboard shows real state: the admin just created, and the setup in the sign-ins list.
  await expect(page.getByRole('region', { name: 'Users' }).getByText(ADMIN.username).first()).toBeVisible()
  await expect(page.getByRole('region', { name: 'Service health' }).getByText('Database')).toBeVisible()
})

test('a wrong password is refused with the server message; the right one signs in', async ({ page }) => {
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, ADMIN.username, 'not the right password')
  await expect(page.getByRole('alert')).toContainText('Wrong username or password.')
  await expect(page).toHaveURL(/\/sign-in/)

  await page.getByLabel('Password', { exact: true }).fill(ADMIN.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
})

test('a signed-out visitor to a deep link signs in and lands back on it', async ({ page }) => {
  await page.goto(`${server.url}/admin/api-keys`)
  await expect(page).toHaveURL(/\/sign-in\?redirect=/)
  await signInUi(page, ADMIN.username, ADMIN.password)
  await expect(page).toHaveURL(/\/admin\/api-keys/)
  await expect(page.getByRole('heading', { level: 1, name: 'Admin' })).toBeVisible()
})

test('signing out ends the session', async ({ page }) => {
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, ADMIN.username, ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  await page.getByRole('button', { name: new RegExp(ADMIN.displayName) }).click()
  await page.getByText('Sign out', { exact: true }).click()
  await expect(page).toHaveURL(/\/sign-in/)
  await page.goto(`${server.url}/`)
  await expect(page).toHaveURL(/\/sign-in/)
})

test('a viewer is refused the Admin page', async ({ page }) => {
  const admin = await signInApi(server.url, ADMIN.username, ADMIN.password)
  await createUser(server.url, admin, 'victor', ['viewer'])
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, 'victor', ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  // The overview needs admin or auditor: a viewer is neither shown its sections nor offered Admin.
  await expect(page.getByRole('region', { name: 'Users' })).toHaveCount(0)
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' })).toHaveCount(0)

  // Typed in, the address still answers with the refusal.
  await page.goto(`${server.url}/admin/users`)
  const refused = errorState(page, 'FORBIDDEN')
  await expect(refused.first()).toBeVisible()
  await expect(refused.first()).toContainText("You don't have access")
  await expect(refused.first()).toHaveAttribute('data-status', '403')
  await expect(page.getByRole('table')).toHaveCount(0)
})
