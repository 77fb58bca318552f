import { expect, test } from '../../support/test'
import { ADMIN, completeSetup } from '../../support/api'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { startPostgresProtocolServer } from '../../support/pg-socket'
import { errorState, signInUi } from '../../support/ui'

let database: Awaited<ReturnType<typeof startPostgresProtocolServer>>
let server: ConsoleServer

test.beforeAll(async () => {
  // A PostgreSQL-protocol server this test controls, with the BFF on DATABASE_URL.
  database = await startPostgresProtocolServer()
  server = await startConsoleServer({ DATABASE_URL: database.url, TG_DB_TIMEOUT_MS: '2000' })
  await completeSetup(server.url, server.setupUrl as string)
})
test.afterAll(async () => {
  await server?.stop()
  await database?.close()
})

test('the console shows the database outage with a request id, and recovers by itself when it is back', async ({
  page,
}) => {
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, ADMIN.username, ADMIN.password)
  const health = page.getByRole('region', { name: 'Service health' })
  await expect(health.getByText('Database')).toBeVisible()

  await database.stop()
  await page.reload()
  const unavailable = errorState(page, 'UPSTREAM_UNAVAILABLE').first()
  await expect(unavailable).toBeVisible({ timeout: 20_000 })
  await expect(unavailable).toHaveAttribute('data-status', '503')
  await expect(unavailable.getByTestId('request-id')).toHaveText(/[0-9a-f-]{36}/)
  await expect(unavailable.getByTestId('auto-retry')).toHaveText(/Trying again by itself in \d+ s/)
  expect((await fetch(`${server.url}/readyz`)).status).toBe(503)

  await database.start()
  await expect.poll(async () => (await fetch(`${server.url}/readyz`)).status, { timeout: 20_000 }).toBe(200)
  // No click: the error view tries again by itself every few seconds.
  await expect(errorState(page, 'UPSTREAM_UNAVAILABLE')).toHaveCount(0, { timeout: 30_000 })
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  await expect(health.getByText('Database')).toBeVisible()
})
