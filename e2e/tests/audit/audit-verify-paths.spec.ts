import { expect, test } from '../../support/test'
import type { Browser, BrowserContext, Page, Route } from '@playwright/test'
import pg from 'pg'
import { ADMIN, completeSetup, createUser } from '../../support/api'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { startPostgresProtocolServer } from '../../support/pg-socket'
import { signInUi } from '../../support/ui'

// Both signature paths of the browser: Chromium's own WebCrypto Ed25519 and ML-DSA-65, and the
// @noble fallback that a browser without them gets (the feature test is made to fail by patching
// SubtleCrypto inside the verifier's worker before it runs). And "verify everything" on its pool
// of workers: progress while ranges stream, and cancel.

let database: Awaited<ReturnType<typeof startPostgresProtocolServer>>
let server: ConsoleServer
/** Entries added behind the console's back, so that "verify everything" needs several ranges. */
const SEEDED = 9000

async function query(text: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: database.url })
  await client.connect()
  try {
    return await client.query(text, params)
  } finally {
    await client.end()
  }
}

test.beforeAll(async () => {
  database = await startPostgresProtocolServer()
  server = await startConsoleServer({ DATABASE_URL: database.url })
  const admin = await completeSetup(server.url, server.setupUrl as string)
  await query(`insert into audit_pending (actor_type, actor_name, action, resource_type, resource_id, outcome, details)
    select 'user', 'seeded' || (g % 50), 'bench.append', 'bench', 'r' || g, 'success', jsonb_build_object('n', g)
    from generate_series(1, ${SEEDED}) g`)
  // A state change wakes the sequencer, which takes every queued record; then a checkpoint covers them.
  await createUser(server.url, admin, 'ada-auditor', ['auditor'])
  await expect
    .poll(
      async () => {
        const res = await fetch(`${server.url}/api/v1/audit/checkpoints`, {
          method: 'POST',
          headers: { origin: server.url, cookie: `tg_session=${admin.cookie}`, 'x-csrf-token': admin.csrf },
        })
        return ((await res.json()) as { treeSize?: number }).treeSize ?? 0
      },
      { timeout: 60_000 },
    )
    .toBeGreaterThan(SEEDED)
})
test.afterAll(async () => {
  await server?.stop()
  await database?.close()
})

type Path = 'webcrypto' | 'noble'

/**
 * Makes WebCrypto refuse Ed25519 and ML-DSA-65 in the audit verifier's worker (as a browser
 * without them does), so that the feature test picks the noble fallback.
 */
const WITHOUT_NATIVE_SIGNATURES = `{
  const subtle = SubtleCrypto.prototype
  const refused = (algorithm) => /^(ed25519|ml-dsa-65)$/i.test(typeof algorithm === 'string' ? algorithm : algorithm?.name ?? '')
  const refuse = () => Promise.reject(new DOMException('Algorithm: Unrecognized name', 'NotSupportedError'))
  for (const [method, at] of [['generateKey', 0], ['importKey', 2], ['sign', 0], ['verify', 0]]) {
    const original = subtle[method]
    subtle[method] = function (...args) { return refused(args[at]) ? refuse() : original.apply(this, args) }
  }
}
`

async function openContext(browser: Browser, path: Path): Promise<BrowserContext> {
  const context = await browser.newContext()
  if (path === 'noble')
    await context.route('**/assets/audit.worker-*.js', async (route) => {
      const response = await route.fetch()
      const body = WITHOUT_NATIVE_SIGNATURES + (await response.text())
      await route.fulfill({ status: 200, contentType: 'text/javascript', body })
    })
  return context
}

const integrity = (page: Page) => page.getByTestId('audit-integrity')

async function openAudit(page: Page) {
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, ADMIN.username, ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  await page.goto(`${server.url}/audit`)
  await expect(page.getByRole('heading', { level: 1, name: 'Audit' })).toBeVisible()
}

const BACKEND_TEXT: Record<Path, RegExp> = {
  webcrypto: /Ed25519 by webcrypto, ML-DSA-65 by\s+webcrypto/,
  noble: /Ed25519 by noble, ML-DSA-65 by\s+noble/,
}

for (const path of ['webcrypto', 'noble'] as const) {
  test(`with ${path} signatures the browser verifies the log, and refuses a checkpoint with a forged signature`, async ({
    browser,
  }) => {
    const context = await openContext(browser, path)
    const page = await context.newPage()
    await openAudit(page)
    await expect(integrity(page)).toHaveAttribute('data-state', 'verified', { timeout: 30_000 })
    await page.getByRole('link', { name: 'Keys and checkpoints' }).first().click()
    await expect(page.getByTestId('audit-log-timing')).toContainText(BACKEND_TEXT[path])

    // The same checkpoint with one signature changed in transit: each algorithm is checked.
    for (const [line, algorithm] of [
      ['shortest', 'ed25519'],
      ['longest', 'ml-dsa-65'],
    ] as const) {
      const forge = async (route: Route) => {
        const response = await route.fetch()
        const checkpoint = (await response.json()) as { note: string }
        const lines = checkpoint.note.split('\n')
        const signatures = lines.filter((l) => l.startsWith('\u2014 '))
        const target = signatures.reduce((a, b) =>
          (line === 'longest' ? b.length > a.length : b.length < a.length) ? b : a,
        )
        const at = target.length - 10 // inside the signature, past the key ID
        const forged = target.slice(0, at) + (target[at] === 'A' ? 'B' : 'A') + target.slice(at + 1)
        checkpoint.note = lines.map((l) => (l === target ? forged : l)).join('\n')
        await route.fulfill({ response, json: checkpoint })
      }
      await context.route('**/api/v1/audit/checkpoints/latest', forge)
      await page.goto(`${server.url}/audit`)
      await expect(integrity(page)).toHaveAttribute('data-state', 'failed')
      await expect(integrity(page).getByTestId('audit-failure').first()).toHaveAttribute(
        'data-check',
        `checkpoint-signature-${algorithm}`,
      )
      await context.unroute('**/api/v1/audit/checkpoints/latest', forge)
    }
    await page.goto(`${server.url}/audit`)
    await expect(integrity(page)).toHaveAttribute('data-state', 'verified')
    await context.close()
  })
}

test('verify everything streams ranges on several workers, shows progress, and can be cancelled', async ({
  browser,
}) => {
  const context = await browser.newContext()
  const held: Route[] = []
  const starts: number[] = []
  await context.route('**/api/v1/audit/leaves/stream?*', async (route) => {
    const start = Number(new URL(route.request().url()).searchParams.get('start'))
    starts.push(start)
    if (start === 0) await route.continue()
    else held.push(route) // every later range waits: the run is caught mid-way
  })
  const page = await context.newPage()
  await openAudit(page)
  await expect(integrity(page)).toHaveAttribute('data-state', 'verified', { timeout: 30_000 })
  const verifyAll = page.getByTestId('audit-verify-all')
  await verifyAll.getByRole('button', { name: 'Verify everything' }).click()
  await expect(verifyAll).toHaveAttribute('data-state', 'running')
  const progress = verifyAll.getByTestId('audit-verify-all-progress')
  await expect(progress).toHaveText(/^4096 of \d+ entries$/)
  const total = Number(/of (\d+)/.exec((await progress.textContent()) ?? '')?.[1])
  expect(total).toBeGreaterThan(SEEDED)
  // Ranges are asked for ahead of the one being joined, several at once.
  await expect.poll(() => held.length).toBeGreaterThanOrEqual(1)
  expect(starts).toContain(4096)

  await verifyAll.getByRole('button', { name: 'Cancel' }).click()
  await expect(verifyAll).toHaveAttribute('data-state', 'cancelled')
  await expect(verifyAll).toContainText('Cancelled after 4096 entries.')
  await Promise.all(held.splice(0).map((route) => route.abort().catch(() => undefined)))

  // Run again without anything held: every range comes back and the whole log holds.
  await context.unrouteAll({ behavior: 'ignoreErrors' })
  await verifyAll.getByRole('button', { name: 'Verify everything' }).click()
  await expect(verifyAll).toHaveAttribute('data-state', 'verified', { timeout: 60_000 })
  await expect(verifyAll).toContainText(`All ${total} entries of checkpoint ${total}`)
  await context.close()
})

test('an entry changed in the database is named by verify everything on both signature paths', async ({ browser }) => {
  const seq = 5000 // a seeded entry in the second range
  await query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only')
  const changed = await query(
    "UPDATE audit_log SET canonical = replace(canonical, 'seeded', 'mallory') WHERE seq = $1",
    [seq],
  )
  expect(changed.rowCount).toBe(1)
  for (const path of ['webcrypto', 'noble'] as const) {
    const context = await openContext(browser, path)
    const page = await context.newPage()
    await openAudit(page)
    // The checkpoint still verifies (it was signed before the change); the log does not.
    const verifyAll = page.getByTestId('audit-verify-all')
    await expect(verifyAll.getByRole('button', { name: 'Verify everything' })).toBeEnabled({ timeout: 30_000 })
    await verifyAll.getByRole('button', { name: 'Verify everything' }).click()
    await expect(verifyAll).toHaveAttribute('data-state', 'failed', { timeout: 60_000 })
    await expect(verifyAll.getByTestId('audit-failure')).toHaveAttribute('data-seq', String(seq))
    await expect(verifyAll).toContainText(`Entry ${seq} was altered`)
    await context.close()
  }
})
