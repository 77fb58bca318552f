import { expect, test } from '../../support/test'
import { ADMIN, completeSetup, createUser, sessionStatus, signInApi, signInStatus } from '../../support/api'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { signInUi } from '../../support/ui'

const NEW_PASSWORD = 'plum orchard under winter light'

test.describe.configure({ mode: 'serial' })

let server: ConsoleServer
test.beforeAll(async () => {
  server = await startConsoleServer()
  const admin = await completeSetup(server.url, server.setupUrl as string)
  await createUser(server.url, admin, 'dan', ['operator'])
  await createUser(server.url, admin, 'erin', ['viewer'])
})
test.afterAll(async () => server.stop())

test.beforeEach(async ({ page }) => {
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, ADMIN.username, ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
})

test('an admin issues a one-time reset link; the user sets a new password with it', async ({ page, browser }) => {
  const dansSession = await signInApi(server.url, 'dan', ADMIN.password)
  await page.goto(`${server.url}/admin/users`)
  await page.getByRole('button', { name: 'Reset password of dan' }).click()
  const dialog = page.getByRole('dialog', { name: 'Reset the password of dan?' })
  await dialog.getByRole('button', { name: 'Issue reset link' }).click()
  const link = page.getByTestId('reset-link')
  await expect(link).toHaveText(/\/reset-password#token=/)
  const url = ((await link.textContent()) ?? '').trim()
  expect(await sessionStatus(server.url, dansSession)).toBe(401)
  await page.getByRole('dialog', { name: 'Reset link issued' }).getByRole('button', { name: 'Done' }).click()

  const dans = await browser.newPage()
  await dans.goto(url)
  await expect(dans.getByRole('heading', { level: 1, name: 'Set a new password' })).toBeVisible()
  // The token leaves the address bar at once.
  await expect(dans).toHaveURL(/\/reset-password$/)
  await dans.getByLabel('New password', { exact: true }).fill('aaaaaaaaaaaa')
  await dans.getByLabel('Confirm new password').fill('aaaaaaaaaaaa')
  await dans.getByRole('button', { name: 'Set password' }).click()
  await expect(dans.getByText(/Repeated characters/)).toBeVisible()
  await dans.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD)
  await dans.getByLabel('Confirm new password').fill(NEW_PASSWORD)
  await dans.getByRole('button', { name: 'Set password' }).click()
  await expect(dans).toHaveURL(/\/sign-in/)
  await signInUi(dans, 'dan', NEW_PASSWORD)
  await expect(dans.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  expect(await signInStatus(server.url, 'dan', ADMIN.password)).toBe(401)
  await dans.close()
})

test('an admin sees a blocked sign-in on the users page and unlocks it', async ({ page }) => {
  const statuses: number[] = []
  for (let i = 0; i < 6; i++) statuses.push(await signInStatus(server.url, 'erin', `wrong guess ${i}`))
  expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401])
  expect(statuses[5]).toBe(429)
  expect(await signInStatus(server.url, 'erin', ADMIN.password)).toBe(429)

  await page.goto(`${server.url}/admin/users?q=erin`)
  const row = page.getByRole('row', { name: /erin/ })
  await expect(row.getByTestId('sign-in-blocked')).toBeVisible()
  await row.getByRole('button', { name: 'Unlock sign-in of erin' }).click()
  const dialog = page.getByRole('dialog', { name: 'Unlock sign-in of erin?' })
  await dialog.getByRole('button', { name: 'Unlock sign-in' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByText('Sign-in of erin unlocked.')).toBeVisible()
  await expect(row.getByTestId('sign-in-blocked')).toHaveCount(0)
  expect(await signInStatus(server.url, 'erin', ADMIN.password)).toBe(200)
})
