import { expect, test } from '../../support/test'
import { ADMIN, completeSetup } from '../../support/api'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { errorState, signInUi } from '../../support/ui'

let server: ConsoleServer
test.beforeAll(async () => {
  server = await startConsoleServer()
  await completeSetup(server.url, server.setupUrl as string)
})
test.afterAll(async () => server.stop())

const PAGES = [['FedMoE', '/fedmoe']] as const

test('services not in this build show exactly that, with the server remediation', async ({ page }) => {
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, ADMIN.username, ADMIN.password)
  for (const [name, path] of PAGES) {
    await page.getByRole('navigation').getByRole('link', { name, exact: true }).click()
    await expect(page).toHaveURL(new RegExp(`${path}$`))
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
    const state = errorState(page, 'NOT_SUPPORTED')
    await expect(state).toBeVisible()
    await expect(state).toHaveAttribute('data-status', '501')
    await expect(state).toContainText('Not available in this build')
    await expect(state).toContainText(/Upgrade|upgrade/)
  }
})
