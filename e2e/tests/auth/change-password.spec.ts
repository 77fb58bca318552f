import { expect, test } from '../../support/test'
import { ADMIN, completeSetup, createUser, sessionStatus, signInApi } from '../../support/api'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { signInUi } from '../../support/ui'

const NEW_PASSWORD = 'plum orchard under winter light'

let server: ConsoleServer
test.beforeAll(async () => {
  server = await startConsoleServer()
  const admin = await completeSetup(server.url, server.setupUrl as string)
  await createUser(server.url, admin, 'carol', ['viewer'])
})
test.afterAll(async () => server.stop())

test('a user changes their password from the user menu; weak and wrong entries show inline', async ({ page }) => {
  const elsewhere = await signInApi(server.url, 'carol', ADMIN.password)
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, 'carol', ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()

  await page.getByTestId('user-menu-button').click()
  await page.getByRole('button', { name: 'Change password' }).click()
  const dialog = page.getByRole('dialog', { name: 'Change password' })
  await dialog.getByLabel('Current password').fill('not my password at all')
  await dialog.getByLabel('New password', { exact: true }).fill('password1234')
  await dialog.getByLabel('Confirm new password').fill('password1234')
  await dialog.getByRole('button', { name: 'Change password' }).click()
  // The policy is checked first: a common password is refused under its field.
  await expect(dialog.getByText(/commonly used password/)).toBeVisible()

  await dialog.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD)
  await dialog.getByLabel('Confirm new password').fill(NEW_PASSWORD)
  await dialog.getByRole('button', { name: 'Change password' }).click()
  await expect(dialog.getByText('This is not your current password.')).toBeVisible()

  await dialog.getByLabel('Current password').fill(ADMIN.password)
  await dialog.getByRole('button', { name: 'Change password' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByText('Password changed. 1 other session was signed out.')).toBeVisible()

  // This session stays; the other one has ended; the new password signs in.
  await page.reload()
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  expect(await sessionStatus(server.url, elsewhere)).toBe(401)
  await signInApi(server.url, 'carol', NEW_PASSWORD)
})
