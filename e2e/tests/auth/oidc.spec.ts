import type { Page } from '@playwright/test'
import { expect, test } from '../../support/test'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { freePort, startOidcProvider } from '../../support/oidc-provider'
import type { OidcProviderProcess } from '../../support/oidc-provider'

test.describe.configure({ mode: 'serial' })

const CLIENT = { clientId: 'tg-console', clientSecret: 'e2e-client-secret-0123456789' }

let idp: OidcProviderProcess
let server: ConsoleServer

test.beforeAll(async () => {
  const port = await freePort()
  const publicUrl = `http://127.0.0.1:${port}`
  idp = await startOidcProvider({
    client: { ...CLIENT, redirectUri: `${publicUrl}/api/v1/auth/oidc/callback` },
    accounts: [
      { sub: 'alice', preferred_username: 'alice', name: 'Alice Admin', groups: ['tg-admins'] },
      { sub: 'mallory', preferred_username: 'mallory', name: 'Mallory', groups: ['contractors'] },
    ],
  })
  server = await startConsoleServer({
    PORT: String(port),
    TG_PUBLIC_URL: publicUrl,
    TG_OIDC_ISSUER: idp.issuer,
    TG_OIDC_CLIENT_ID: CLIENT.clientId,
    TG_OIDC_CLIENT_SECRET: CLIENT.clientSecret,
    TG_OIDC_SCOPES: 'openid profile email groups',
    TG_OIDC_ROLE_MAP: 'tg-admins=admin,tg-ops=operator',
    TG_OIDC_NAME: 'Test IdP',
    TG_OIDC_LOCAL_PASSWORDS: 'false',
  })
})
test.afterAll(async () => {
  await server?.stop()
  await idp?.stop()
})

async function signInAtProvider(page: Page, login: string) {
  await expect(page.getByRole('heading', { name: 'Test identity provider' })).toBeVisible()
  await page.getByLabel('Login').fill(login)
  await page.getByLabel('Password').fill('anything')
  await page.getByRole('button', { name: 'Continue' }).click()
}

test('the sign-in button signs in through the provider and lands on the deep link, with the roles of the groups', async ({
  page,
}) => {
  await page.goto(`${server.url}/admin/users`)
  await expect(page).toHaveURL(/\/sign-in\?redirect=/)
  // Local passwords are off: the page offers single sign-on only.
  await expect(page.getByLabel('Username')).toHaveCount(0)
  await page.getByRole('link', { name: 'Sign in with Test IdP' }).click()

  await signInAtProvider(page, 'alice')

  await expect(page).toHaveURL(/\/admin\/users$/)
  await expect(page.getByRole('button', { name: /Alice Admin/ })).toBeVisible()
  const row = page.getByRole('row', { name: /alice/ })
  await expect(row.getByTestId('user-sso')).toHaveText('Single sign-on')
  await expect(row.getByText('Managed by the identity provider')).toBeVisible()
  await expect(row.getByRole('button', { name: 'Change roles of alice' })).toHaveCount(0)
})

test('a user in none of the mapped groups is sent back with the reason', async ({ page }) => {
  await page.goto(`${server.url}/sign-in`)
  await page.getByRole('link', { name: 'Sign in with Test IdP' }).click()
  await signInAtProvider(page, 'mallory')

  await expect(page).toHaveURL(/\/sign-in\?error=no_mapped_group/)
  await expect(page.getByTestId('sign-in-refusal')).toContainText('none of the groups')
  await expect(page.getByRole('link', { name: 'Sign in with Test IdP' })).toBeVisible()
})
