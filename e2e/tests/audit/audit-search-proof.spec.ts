import { readFile } from 'node:fs/promises'
import { expect, test } from '../../support/test'
import type { Page } from '@playwright/test'
import type { AuditEntryPage } from '@tg/contracts'
import { verifyAuditFile } from '@tg/contracts/formats/audit'
import type { AuditEntryProof } from '@tg/contracts/formats/audit'
import { ADMIN, completeSetup, createUser } from '../../support/api'
import { expectNoSeriousA11yViolations } from '../../support/axe'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { signInUi } from '../../support/ui'

let server: ConsoleServer

test.beforeAll(async () => {
  server = await startConsoleServer()
  const admin = await completeSetup(server.url, server.setupUrl as string)
  await createUser(server.url, admin, 'sam-searched', ['viewer'])
  await createUser(server.url, admin, 'oli-other', ['operator'])
})
test.afterAll(async () => server?.stop())

const PHONE = { width: 390, height: 844 }
const integrity = (page: Page) => page.getByTestId('audit-integrity')
const rows = (page: Page) => page.getByTestId('audit-row')
const seqsOf = (page: Page) =>
  rows(page).evaluateAll((elements) => elements.map((row) => (row as HTMLElement).dataset.seq ?? ''))

async function openAudit(page: Page) {
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, ADMIN.username, ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  await page.goto(`${server.url}/audit`)
  await expect(integrity(page)).toHaveAttribute('data-state', 'verified', { timeout: 20_000 })
  const cut = integrity(page).getByRole('button', { name: 'Cut checkpoint now' })
  if (await cut.isVisible()) await cut.click()
  await expect(rows(page).first()).toBeVisible()
  await expect(page.locator('[data-testid="audit-row"]:not([data-verification="verified"])')).toHaveCount(0)
  await expect(integrity(page)).toHaveAttribute('data-state', 'verified')
}

async function entries(page: Page, query: string): Promise<AuditEntryPage> {
  const res = await page.request.get(`${server.url}/api/v1/audit/entries?${query}`)
  expect(res.status()).toBe(200)
  return (await res.json()) as AuditEntryPage
}

async function search(page: Page, text: string) {
  await page.getByLabel('Search', { exact: true }).fill(text)
  await page.getByTestId('audit-search-submit').click()
}

for (const [label, viewport] of [
  ['desktop', null],
  ['phone', PHONE],
] as const) {
  test(`searching by sequence number, entry hash and resource keeps the search in the URL (${label})`, async ({
    page,
  }) => {
    if (viewport) await page.setViewportSize(viewport)
    await openAudit(page)
    await expect.poll(async () => (await seqsOf(page)).length).toBeGreaterThan(3)
    await expectNoSeriousA11yViolations(page, `/audit search (${label})`)

    await search(page, '2')
    await expect(page).toHaveURL(/[?&]q=2(&|$)/)
    await expect.poll(() => seqsOf(page)).toEqual(['2'])
    await expect(page.getByTestId('audit-search-current')).toHaveText('Showing entry 2.')
    await page.reload()
    await expect(page.getByLabel('Search', { exact: true })).toHaveValue('2')
    await expect.poll(() => seqsOf(page)).toEqual(['2'])
    await expect(rows(page).first()).toHaveAttribute('data-verification', 'verified')

    const all = await entries(page, 'limit=50&withProofs=false')
    const target = all.items.find((item) => item.seq === 3)!
    await search(page, target.leafHash.toUpperCase())
    await expect.poll(() => seqsOf(page)).toEqual(['3'])
    await expect(page).toHaveURL(new RegExp(`q=${target.leafHash.toUpperCase()}`))
    // A hash cannot be a bundle's filter: the entry's own proof is offered instead.
    await expect(page.getByTestId('audit-export')).toBeDisabled()

    const bodies = all.items.map((item) => JSON.parse(item.canonical) as { resource: { type: string; id: string } })
    const user = bodies.find((body) => body.resource.type === 'user' && body.resource.id)!.resource
    const expected = all.items
      .filter((_, i) => bodies[i]!.resource.type === 'user' && bodies[i]!.resource.id === user.id)
      .map((item) => String(item.seq))
    await search(page, `user:${user.id}`)
    await expect.poll(() => seqsOf(page)).toEqual(expected)
    await expect(page.getByTestId('audit-search-current')).toHaveText(`Showing resource user:${user.id}.`)
    await expect(page.getByTestId('audit-export')).toBeEnabled()
    await expectNoSeriousA11yViolations(page, `/audit searched (${label})`)

    await search(page, '999999')
    await expect(page.getByText('No entries match', { exact: true })).toBeVisible()
    await search(page, '')
    await expect(page).not.toHaveURL(/q=/)
    await expect.poll(async () => (await seqsOf(page)).length).toBeGreaterThan(3)
  })

  test(`an entry's proof downloads as one file that verifies offline (${label})`, async ({ page }) => {
    if (viewport) await page.setViewportSize(viewport)
    await openAudit(page)
    await search(page, '1')
    await expect.poll(() => seqsOf(page)).toEqual(['1'])
    await rows(page).first().getByRole('button').first().click()
    const drawer = page.getByTestId('audit-entry-drawer')
    await expect(drawer).toHaveAttribute('data-seq', '1')
    await expectNoSeriousA11yViolations(page, `/audit entry drawer with proof download (${label})`)
    const download = page.waitForEvent('download')
    await drawer.getByRole('button', { name: 'Download proof' }).click()
    const file = await download
    expect(file.suggestedFilename()).toBe('audit-entry-1-proof.json')
    const proof = JSON.parse(await readFile((await file.path()) as string, 'utf8')) as AuditEntryProof
    const offline = await verifyAuditFile(proof)
    expect(offline.ok && offline.kind === 'entry' && offline.summary.seq).toBe(1)
    await expect(page.getByText('Saved audit-entry-1-proof.json.')).toBeVisible()

    const tampered = {
      ...proof,
      entry: { ...proof.entry, canonical: proof.entry.canonical.replace('"outcome":"success"', '"outcome":"failure"') },
    }
    const refused = await verifyAuditFile(tampered)
    expect(refused.ok ? null : refused.failure).toMatchObject({ kind: 'broken', check: 'inclusion' })
  })
}
