import { expect, test } from '../../support/test'
import { ADMIN, completeSetup } from '../../support/api'
import { expectNoSeriousA11yViolations } from '../../support/axe'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { createExpertApi, createVersionApi, evalResult, postEvidenceApi, tracesOf } from '../../support/fedmoe'
import { createRunWithRounds } from '../../support/training'
import { signInUi } from '../../support/ui'

let server: ConsoleServer
test.beforeAll(async () => {
  server = await startConsoleServer()
})
test.afterAll(async () => server.stop())

const SIGNED_IN_PAGES = [
  ['Dashboard', '/'],
  ['Training', '/training'],
  ['Training', '/training/calculator'],
  ['Marketplace', '/marketplace'],
  ['Marketplace', '/marketplace/releases'],
  ['Marketplace', '/marketplace/fleets'],
  ['Marketplace', '/marketplace/publishers'],
  ['FedMoE', '/fedmoe'],
  ['Integrations', '/integrations'],
  ['Integrations', '/integrations/webhooks'],
  ['Audit', '/audit'],
  ['Admin', '/admin/users'],
  ['Admin', '/admin/api-keys'],
] as const

test('every page has no serious or critical axe violations, in light and dark mode', async ({ page }) => {
  // About twenty pages, each checked twice: well past the default minute.
  test.setTimeout(240_000)
  await page.goto(server.setupUrl as string)
  await expect(page.getByRole('heading', { level: 1, name: 'Create the first admin' })).toBeVisible()
  await expectNoSeriousA11yViolations(page, 'setup')
  const admin = await completeSetup(server.url, server.setupUrl as string)
  const runId = await createRunWithRounds(server.url, admin, 'a11y-run', 3)
  const expertId = await createExpertApi(server.url, admin, 'a11y-expert')
  const versions = [await createVersionApi(server.url, admin, expertId, '1.0.0')]
  versions.push(await createVersionApi(server.url, admin, expertId, '1.1.0'))
  const evidenceId = await postEvidenceApi(
    server.url,
    admin,
    expertId,
    versions[0] as string,
    evalResult(
      0.8,
      100,
      tracesOf((i) => i % 3),
    ),
  )
  await postEvidenceApi(
    server.url,
    admin,
    expertId,
    versions[1] as string,
    evalResult(
      0.85,
      20,
      tracesOf((i) => i % 2),
    ),
  )
  const compared = `versions=${versions.join(',')}&benchmark=libero-long`
  const pages = [
    ...SIGNED_IN_PAGES,
    ['a11y-run', `/training/runs/${runId}`] as const,
    ['a11y-expert', `/fedmoe/${expertId}`] as const,
    ['Eval result evidence', `/fedmoe/${expertId}/evidence/${evidenceId}`] as const,
    ['Eval Arena', `/fedmoe/${expertId}/arena?${compared}`] as const,
    ['Traces side by side', `/fedmoe/${expertId}/arena/traces?${compared}`] as const,
  ]

  await page.goto(`${server.url}/sign-in`)
  await expectNoSeriousA11yViolations(page, 'sign-in')
  await signInUi(page, ADMIN.username, ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    for (const [heading, path] of pages) {
      await page.goto(`${server.url}${path}`)
      await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible()
      await expect(page.locator('[data-testid="query-state"][data-state="loading"]')).toHaveCount(0)
      await expectNoSeriousA11yViolations(page, `${path} (${scheme})`)
    }
    await page.goto(`${server.url}/no/such/page`)
    await expectNoSeriousA11yViolations(page, `not found (${scheme})`)
  }
})
