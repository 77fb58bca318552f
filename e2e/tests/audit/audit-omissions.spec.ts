import { expect, test } from '../../support/test'
import type { Page } from '@playwright/test'
import pg from 'pg'
import { ADMIN, completeSetup, createApiKey, createUser } from '../../support/api'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { startPostgresProtocolServer } from '../../support/pg-socket'
import { signInUi } from '../../support/ui'

let database: Awaited<ReturnType<typeof startPostgresProtocolServer>>
let server: ConsoleServer

test.beforeAll(async () => {
  // A PostgreSQL-protocol database this test can reach, to delete rows behind the BFF's back;
  // the BFF checks its own log every second here.
  database = await startPostgresProtocolServer()
  server = await startConsoleServer({ DATABASE_URL: database.url, TG_AUDIT_SELFCHECK_INTERVAL_S: '1' })
  const admin = await completeSetup(server.url, server.setupUrl as string)
  for (let i = 0; i < 8; i++) await createApiKey(server.url, admin, `key ${i}`, ['viewer'])
  await createUser(server.url, admin, 'vic-viewer', ['viewer'])
})
test.afterAll(async () => {
  await server?.stop()
  await database?.close()
})

const integrity = (page: Page) => page.getByTestId('audit-integrity')
const alarm = (page: Page) => page.getByTestId('audit-alarm')

async function readiness() {
  return (await (await fetch(`${server.url}/readyz`)).json()) as {
    checks: { auditIntegrity: string }
    auditIntegrity: { finding: { kind: string; seq: number } | null }
  }
}

async function deleteBehindTheBack(seqs: number[]) {
  const client = new pg.Client({ connectionString: database.url })
  await client.connect()
  try {
    await client.query('ALTER TABLE audit_log DISABLE TRIGGER USER')
    const result = await client.query('DELETE FROM audit_log WHERE seq = ANY($1)', [seqs])
    expect(result.rowCount).toBe(seqs.length)
    await client.query('ALTER TABLE audit_log ENABLE TRIGGER USER')
  } finally {
    await client.end()
  }
}

test('rows deleted from the database are flagged by the page, the console banner, /readyz and the metric', async ({
  page,
}) => {
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, ADMIN.username, ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  await page.goto(`${server.url}/audit`)
  await expect(integrity(page)).toHaveAttribute('data-state', 'verified', { timeout: 20_000 })
  const cut = integrity(page).getByRole('button', { name: 'Cut checkpoint now' })
  if (await cut.isVisible()) await cut.click()
  await expect(page.locator('[data-testid="audit-row"]:not([data-verification="verified"])')).toHaveCount(0)
  await expect(integrity(page)).toHaveAttribute('data-state', 'verified')
  await expect(alarm(page)).toHaveCount(0)
  expect((await readiness()).checks.auditIntegrity).toBe('ok')

  await deleteBehindTheBack([5, 6])

  // The server's self-check notices within its interval; readiness reports it and stays 200.
  await expect
    .poll(async () => (await readiness()).auditIntegrity.finding, { timeout: 20_000 })
    .toMatchObject({
      kind: 'missing',
      seq: 5,
    })
  expect((await fetch(`${server.url}/readyz`)).status).toBe(200)
  const metrics = await (await fetch(`${server.url}/metrics`)).text()
  expect(metrics).toMatch(/^tg_audit_integrity_ok 0$/m)
  expect(metrics).toMatch(/^tg_audit_integrity_first_bad_seq 5$/m)

  // The page no longer says verified: the rows it shows have a hole, and it names the first one.
  await page.reload()
  await expect(integrity(page)).toHaveAttribute('data-state', 'failed', { timeout: 20_000 })
  await expect(integrity(page)).toContainText('The audit log is missing entries')
  const failure = integrity(page).getByTestId('audit-failure').first()
  await expect(failure).toHaveAttribute('data-check', 'missing')
  await expect(failure).toHaveAttribute('data-seq', '5')
  await expect(failure).toContainText('Entries 5–6 are missing')
  await expect(page.locator('[data-testid="audit-row"][data-seq="7"]')).toHaveAttribute('data-gap-below', '5-6')
  await expect(alarm(page)).toHaveAttribute('data-seq', '5')

  // Filtered, the rows are apart by design: the server tells the page what is missing.
  await page.getByLabel('Action').fill('admin.')
  await expect(page).toHaveURL(/action=admin\./)
  await expect(integrity(page)).toHaveAttribute('data-state', 'failed')
  await expect(integrity(page).getByTestId('audit-failure').first()).toContainText('not filtered out but missing')

  // The banner is on every page, for every signed-in role.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click()
  await expect(alarm(page)).toContainText('Entry 5 is missing')
  await expect(alarm(page).getByRole('link', { name: 'Open the audit log' })).toBeVisible()
  await page.getByTestId('user-menu-button').click()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await signInUi(page, 'vic-viewer', ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  await expect(alarm(page)).toHaveAttribute('data-seq', '5')
  await expect(alarm(page)).toContainText('Tell an auditor or an administrator.')
})
