import { readFile } from 'node:fs/promises'
import { expect, test } from '../../support/test'
import type { Page } from '@playwright/test'
import { verifyBundle } from '@tg/contracts/formats/audit'
import pg from 'pg'
import { ADMIN, completeSetup, createUser } from '../../support/api'
import { expectNoSeriousA11yViolations } from '../../support/axe'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { startPostgresProtocolServer } from '../../support/pg-socket'
import { errorState, signInUi } from '../../support/ui'

let database: Awaited<ReturnType<typeof startPostgresProtocolServer>>
let server: ConsoleServer

test.beforeAll(async () => {
  // The BFF runs on a PostgreSQL-protocol server this test can reach, to tamper with the log.
  database = await startPostgresProtocolServer()
  server = await startConsoleServer({ DATABASE_URL: database.url })
  const admin = await completeSetup(server.url, server.setupUrl as string)
  await createUser(server.url, admin, 'ada-auditor', ['auditor'])
  await createUser(server.url, admin, 'vic-viewer', ['viewer'])
})
test.afterAll(async () => {
  await server?.stop()
  await database?.close()
})

const integrity = (page: Page) => page.getByTestId('audit-integrity')
const rows = (page: Page) => page.getByTestId('audit-row')
const rowOf = (page: Page, seq: string) => page.locator(`[data-testid="audit-row"][data-seq="${seq}"]`)

/** Signs in, opens the audit page and waits until every row shown is covered by a checkpoint. */
async function openAuditCovered(page: Page) {
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, ADMIN.username, ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Audit' })).toBeVisible()
  await expect(integrity(page)).toHaveAttribute('data-state', 'verified', { timeout: 20_000 })
  // Each test has a fresh browser context: nothing remembered, so the keys are trusted on first use.
  await expect(integrity(page)).toHaveAttribute('data-trust-mode', 'tofu-first-use')
  // The sign-in just made is newer than the last checkpoint: cut one so that every row is covered.
  const cut = integrity(page).getByRole('button', { name: 'Cut checkpoint now' })
  if (await cut.isVisible()) await cut.click()
  await expect(rows(page).first()).toBeVisible()
  await expect(page.locator('[data-testid="audit-row"]:not([data-verification="verified"])')).toHaveCount(0)
  await expect(integrity(page)).toHaveAttribute('data-state', 'verified')
}

test('the audit page and its drawer and keys page have no serious axe violations, light and dark', async ({ page }) => {
  await openAuditCovered(page)
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    await page.goto(`${server.url}/audit`)
    await expect(integrity(page)).toHaveAttribute('data-state', 'verified')
    await expectNoSeriousA11yViolations(page, `/audit (${scheme})`)
    await rows(page).first().getByRole('button').click()
    await expect(page.getByRole('dialog', { name: /^Entry \d+$/ })).toBeVisible()
    await expectNoSeriousA11yViolations(page, `/audit entry drawer (${scheme})`)
    await page.keyboard.press('Escape')
    await page.getByRole('link', { name: 'Keys and checkpoints' }).first().click()
    await expect(page.getByTestId('audit-keys-table')).toBeVisible()
    await expect(integrity(page)).toHaveAttribute('data-state', 'verified')
    await expectNoSeriousA11yViolations(page, `/audit/keys (${scheme})`)
  }
})

test('the browser verifies every row and the log, shows the signed entry, and keeps filters in the URL', async ({
  page,
}) => {
  await openAuditCovered(page)
  // Verified again: now against the keys this browser remembered on first use.
  await page.reload()
  await expect(integrity(page)).toHaveAttribute('data-state', 'verified')
  await expect(integrity(page)).toHaveAttribute('data-trust-mode', 'tofu')
  await expect(integrity(page)).toContainText('The audit log verified')

  const setup = rows(page).filter({ hasText: 'auth.setup_completed' })
  await expect(setup).toHaveAttribute('data-verification', 'verified')
  await setup.getByRole('button').click()
  const drawer = page.getByTestId('audit-entry-drawer')
  await expect(drawer).toHaveAttribute('data-verification', 'verified')
  await expect(drawer.getByTestId('audit-entry-json')).toContainText('"action": "auth.setup_completed"')
  await expect(drawer.getByTestId('audit-entry-leaf-hash')).toHaveText(/^[0-9a-f]{64}$/)
  await expect(drawer.getByTestId('audit-checkpoint-signatures')).toContainText('Ed25519')
  await expect(drawer.getByTestId('audit-checkpoint-signatures')).toContainText('ML-DSA-65')
  await page.keyboard.press('Escape')

  const verifyAll = page.getByTestId('audit-verify-all')
  await verifyAll.getByRole('button', { name: 'Verify everything' }).click()
  await expect(verifyAll).toHaveAttribute('data-state', 'verified')
  await expect(verifyAll).toContainText('Everything holds')

  // The bundle exported from the page verifies offline, as `pnpm tgctl audit verify` does.
  const download = page.waitForEvent('download')
  await page.getByTestId('audit-export').click()
  const bundle = JSON.parse(await readFile((await (await download).path()) as string, 'utf8')) as unknown
  const offline = await verifyBundle(bundle)
  expect(offline.ok && offline.summary.entries).toBeGreaterThan(2)

  await page.getByLabel('Action').fill('auth.')
  await expect(page).toHaveURL(/action=auth\./)
  await expect(rows(page).filter({ hasText: 'audit.keys_created' })).toHaveCount(0)
  await page.reload()
  await expect(page.getByLabel('Action')).toHaveValue('auth.')
  await expect(rows(page).filter({ hasText: 'auth.setup_completed' })).toHaveCount(1)
  await expect(rows(page).filter({ hasText: 'audit.keys_created' })).toHaveCount(0)
})

test('after a key rotation the browser trusts the new keys on the word of the old ones it trusted', async ({
  page,
}) => {
  await openAuditCovered(page)
  await page.getByRole('link', { name: 'Keys and checkpoints' }).first().click()
  await page.getByRole('button', { name: 'Rotate keys' }).click()
  await page.getByTestId('rotate-audit-keys-dialog').getByRole('button', { name: 'Rotate keys' }).click()
  await expect(page.getByTestId('rotate-audit-keys-dialog')).toBeHidden()

  // The rotation statement is signed by both keys this browser remembered: no fresh trust asked.
  await expect(integrity(page)).toHaveAttribute('data-state', 'verified')
  await expect(integrity(page)).toHaveAttribute('data-trust-mode', 'tofu')
  const notice = page.getByTestId('audit-rotation-accepted')
  await expect(notice).toContainText('the keys it already trusted signed the rotation statement')
  await expect(notice.getByRole('listitem')).toHaveCount(2)
  await expect(notice.getByRole('listitem').first()).toContainText(/fingerprint [0-9a-f]{64}/)
  await expect(integrity(page).getByRole('button', { name: 'Trust the keys the server presents' })).toHaveCount(0)
  await expect(page.locator('[data-testid="audit-key-row"][data-status="retired"]')).toHaveCount(2)
  await expectNoSeriousA11yViolations(page, '/audit/keys after a rotation')
  await page.reload()
  await expect(integrity(page)).toHaveAttribute('data-state', 'verified')
})

test('keys no statement vouches for are shown as new, until the person trusts them', async ({ page }) => {
  await openAuditCovered(page)
  // A server that publishes no rotation statement (as before they existed): nothing vouches.
  await page.route('**/api/v1/audit/keys/rotations', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ items: [] }) }),
  )
  await page.getByRole('link', { name: 'Keys and checkpoints' }).first().click()
  await page.getByRole('button', { name: 'Rotate keys' }).click()
  await page.getByTestId('rotate-audit-keys-dialog').getByRole('button', { name: 'Rotate keys' }).click()
  await expect(page.getByTestId('rotate-audit-keys-dialog')).toBeHidden()

  await expect(integrity(page)).toHaveAttribute('data-state', 'untrusted')
  await expect(integrity(page)).toHaveAttribute('data-trust-mode', 'tofu')
  const fresh = integrity(page).getByTestId('audit-new-keys').getByRole('listitem')
  await expect(fresh).toHaveCount(2)
  await expect(fresh.first()).toContainText(/fingerprint [0-9a-f]{64}/)

  await integrity(page).getByRole('button', { name: 'Trust the keys the server presents' }).click()
  await expect(integrity(page)).toHaveAttribute('data-state', 'verified')
  await page.getByRole('link', { name: 'Entries' }).click()
  await expect(integrity(page)).toHaveAttribute('data-state', 'verified')
})

test('an auditor verifies and cuts checkpoints but cannot rotate keys; a viewer has no access', async ({ page }) => {
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, 'ada-auditor', ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  await page.goto(`${server.url}/audit/keys`)
  await expect(integrity(page)).toHaveAttribute('data-state', 'verified')
  // Rotation is for admins: the server says an auditor may not, so the console offers no button.
  await expect(page.getByRole('button', { name: 'Cut checkpoint now' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Rotate keys' })).toHaveCount(0)
  await expect(page.locator('[data-testid="audit-key-row"][data-status="active"]')).toHaveCount(2)

  await page.getByTestId('user-menu-button').click()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await signInUi(page, 'vic-viewer', ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  await page.goto(`${server.url}/audit`)
  await expect(errorState(page, 'FORBIDDEN')).toHaveCount(1)
  await expect(errorState(page, 'FORBIDDEN')).toContainText('Required role: Auditor or Admin')
  await expect(rows(page)).toHaveCount(0)
})

test('an entry changed in the database fails exactly its row, and the banner names it', async ({ page }) => {
  await openAuditCovered(page)
  const setup = rows(page).filter({ hasText: 'auth.setup_completed' })
  const seq = (await setup.getAttribute('data-seq')) as string
  const all = await rows(page).evaluateAll((elements) => elements.map((row) => (row as HTMLElement).dataset.seq ?? ''))
  const others = all.filter((s) => s !== seq)
  expect(others.length).toBeGreaterThan(1)

  const client = new pg.Client({ connectionString: database.url })
  await client.connect()
  try {
    await client.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only')
    const result = await client.query(
      "UPDATE audit_log SET canonical = replace(canonical, 'admin', 'mallory') WHERE seq = $1",
      [Number(seq)],
    )
    expect(result.rowCount).toBe(1)
  } finally {
    await client.end()
  }

  await page.reload()
  await expect(rowOf(page, seq)).toHaveAttribute('data-verification', 'failed')
  for (const other of others) await expect(rowOf(page, other)).toHaveAttribute('data-verification', 'verified')
  // What is shown is what was verified: the row shows the changed text, and that it failed.
  await expect(rowOf(page, seq)).toContainText('mallory')

  await expect(integrity(page)).toHaveAttribute('data-state', 'failed')
  await expect(integrity(page)).toContainText('The audit log failed verification')
  const failure = integrity(page).getByTestId('audit-failure')
  await expect(failure).toHaveCount(1)
  await expect(failure).toHaveAttribute('data-seq', seq)
  await expect(failure).toHaveAttribute('data-check', 'inclusion')
  await expect(failure).toContainText(`Entry ${seq}`)
  await expect(integrity(page).getByTestId('audit-failure-advice')).toContainText('pnpm tgctl audit verify')

  const verifyAll = page.getByTestId('audit-verify-all')
  await verifyAll.getByRole('button', { name: 'Verify everything' }).click()
  await expect(verifyAll).toHaveAttribute('data-state', 'failed')
  await expect(verifyAll.getByTestId('audit-failure')).toHaveAttribute('data-seq', seq)
  await expect(verifyAll).toContainText(`Entry ${seq} was altered`)
})
