import { expect, test } from '../../support/test'
import type { Page } from '@playwright/test'
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { rewriteConsistently } from '../../../bff/src/modules/audit/forge-test-support'
import { ADMIN, completeSetup, createApiKey } from '../../support/api'
import type { Session } from '../../support/api'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { startPostgresProtocolServer } from '../../support/pg-socket'
import { signInUi } from '../../support/ui'

// The third tamper kind, in the browser: an entry rewritten behind the console's back with every
// hash recomputed, and a new checkpoint signed by the server over the rewritten tree (its key is
// not the intruder's to steal, but it signs whatever head it finds). A browser that verified an
// earlier checkpoint cannot be shown a tree that extends it.

let database: Awaited<ReturnType<typeof startPostgresProtocolServer>>
let server: ConsoleServer
let admin: Session
let env: Record<string, string>

async function freePort(): Promise<string> {
  const probe = createServer()
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
  const { port } = probe.address() as AddressInfo
  await new Promise((r) => probe.close(r))
  return String(port)
}

test.beforeAll(async () => {
  database = await startPostgresProtocolServer()
  // Restarted on the same port and data directory: the browser's memory is per console origin.
  env = {
    DATABASE_URL: database.url,
    TG_AUDIT_SELFCHECK_INTERVAL_S: '1',
    PORT: await freePort(),
    TG_DATA_DIR: mkdtempSync(join(tmpdir(), 'tg-e2e-forged-')),
  }
  server = await startConsoleServer(env)
  admin = await completeSetup(server.url, server.setupUrl as string)
})
test.afterAll(async () => {
  await server?.stop()
  await database?.close()
})

const integrity = (page: Page) => page.getByTestId('audit-integrity')

test('a log rewritten with consistent hashes is an alarm in a browser that saw an earlier checkpoint, and on the server', async ({
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
  const setup = page.locator('[data-testid="audit-row"]').filter({ hasText: 'auth.setup_completed' })
  const seq = Number(await setup.getAttribute('data-seq'))

  // The rewrite is done while the console is stopped (as with a doctored backup restored, or a
  // database edited during maintenance): nothing interleaves with it.
  await server.stop()
  const client = new pg.Client({ connectionString: database.url })
  await client.connect()
  let seqOfCheckpoint: number
  try {
    // The first signed checkpoint over the rewritten entry: the one the server should name.
    const first = await client.query('select min(tree_size)::int as size from audit_checkpoints where tree_size > $1', [
      seq,
    ])
    seqOfCheckpoint = (first.rows[0] as { size: number }).size - 1
    await rewriteConsistently(
      (text, params) => client.query(text, params),
      seq,
      (body) => (body.actor.name = 'mallory'),
    )
    const changed = await client.query('select canonical from audit_log where seq = $1', [seq])
    expect((changed.rows[0] as { canonical: string }).canonical).toContain('"mallory"')
  } finally {
    await client.end()
  }
  server = await startConsoleServer(env)
  // Later writes build on the rewritten head, and the server signs a checkpoint over it.
  const key = await createApiKey(server.url, admin, 'after the rewrite', ['auditor'])
  const signed = await fetch(`${server.url}/api/v1/audit/checkpoints`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: '{}',
  })
  expect([200, 201]).toContain(signed.status)

  // The browser remembers the checkpoint it verified: the new one does not extend it.
  await page.reload()
  await expect(integrity(page)).toHaveAttribute('data-state', 'failed', { timeout: 20_000 })
  const failure = integrity(page).locator('[data-testid="audit-failure"][data-check="consistency"]')
  await expect(failure).toHaveCount(1)
  await expect(failure).toContainText('history was rewritten')

  // The server's own check names the checkpoint the rewritten rows no longer match, and the
  // console shows it as the alarm on every page.
  await expect
    .poll(
      async () => {
        const res = await fetch(`${server.url}/readyz`)
        return ((await res.json()) as { auditIntegrity: { finding: { kind: string } | null } }).auditIntegrity.finding
      },
      { timeout: 20_000 },
    )
    .toMatchObject({ kind: 'checkpoint', seq: seqOfCheckpoint })
  // The alarm is loaded with the console (and polled): a new page load shows it at once.
  await page.goto(`${server.url}/`)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  const alarm = page.getByTestId('audit-alarm')
  await expect(alarm).toHaveAttribute('data-kind', 'checkpoint', { timeout: 20_000 })
  await expect(alarm).toHaveAttribute('data-seq', String(seqOfCheckpoint))
  await expect(alarm).toContainText('does not sign the root of the stored entries')
})
