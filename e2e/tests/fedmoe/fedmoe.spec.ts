import { expect, test } from '../../support/test'
import type { Locator, Page } from '@playwright/test'
import { ADMIN, completeSetup, createUser } from '../../support/api'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { approval, createVersionApi, evalResult, pushEvidence, tracesOf } from '../../support/fedmoe'
import { signInUi } from '../../support/ui'

// The second test reads the family that the first one builds.
test.describe.configure({ mode: 'serial' })

let server: ConsoleServer
let admin: { cookie: string; csrf: string }
let familyId = ''
test.beforeAll(async () => {
  server = await startConsoleServer()
  admin = await completeSetup(server.url, server.setupUrl as string)
  await createUser(server.url, admin, 'victor', ['viewer'])
})
test.afterAll(async () => server.stop())

/** The family's own gate: success_rate on libero-long at least 0.7 on 50 samples, and one approval. */
const POLICY = {
  minMetrics: [{ benchmark: 'libero-long', metric: 'success_rate', min: 0.7, minSamples: 50 }],
  beatDeployed: null,
  minSimSuccessRate: null,
  maxCollisionRate: null,
  minApprovals: 1,
  allowRejections: false,
}

const versionItem = (page: Page, version: string) =>
  page.locator(`[data-testid="version-item"][data-version="${version}"]`)
const rule = (scope: Locator, kind: string) => scope.locator(`[data-testid="gate-rule"][data-rule="${kind}"]`)

async function selectVersion(page: Page, version: string) {
  await versionItem(page, version).getByRole('link', { name: version }).click()
  await expect(page.getByTestId('version-panel')).toHaveAttribute('data-version', version)
}

async function validate(page: Page, version: string) {
  await selectVersion(page, version)
  await page.getByTestId('version-panel').getByRole('button', { name: 'Validate' }).click()
  const dialog = page.getByRole('dialog', { name: `Validate ${version}?` })
  await dialog.getByRole('button', { name: 'Validate' }).click()
  await expect(dialog).toBeHidden()
  await expect(versionItem(page, version)).toHaveAttribute('data-status', 'validated')
}

async function deploy(page: Page, version: string, channel: string, summary: string) {
  await selectVersion(page, version)
  await page.getByTestId('version-panel').getByRole('button', { name: 'Deploy' }).click()
  const dialog = page.getByRole('dialog', { name: `Deploy ${version}?` })
  await dialog.getByLabel('Channel').selectOption(channel)
  await expect(dialog.getByTestId('deploy-summary')).toHaveText(summary)
  await dialog.getByRole('button', { name: 'Deploy' }).click()
  await expect(dialog).toBeHidden()
  await expect(
    versionItem(page, version).locator(`[data-testid="deployed-marker"][data-channel="${channel}"]`),
  ).toBeVisible()
}

test('a family goes from evidence through its gate to deployment, rollback, the arena and the trace viewer', async ({
  page,
}) => {
  test.setTimeout(180_000)
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, ADMIN.username, ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'FedMoE' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'FedMoE' })).toBeVisible()
  await expect(page.locator('[data-testid="query-state"][data-state="empty"]')).toContainText('No expert families yet')

  // The platform default gate: one approving review, nothing promotes on one score.
  await page.getByRole('button', { name: 'Default gate policy' }).click()
  const defaults = page.getByRole('dialog', { name: 'Default gate policy' })
  await expect(defaults.getByLabel('Policy (JSON)')).toHaveValue(/"minApprovals": 1,/)
  await defaults.getByRole('button', { name: 'Cancel' }).click()
  await expect(defaults).toBeHidden()

  // A family and its first version, in the console.
  await page.getByRole('main').getByRole('button', { name: 'New family' }).first().click()
  const create = page.getByRole('dialog', { name: 'New expert family' })
  await create.getByLabel('Name').fill('grasp-cups')
  await create.getByLabel('Base model').fill('openvla-7b')
  await create.getByRole('button', { name: 'Create family' }).click()
  await expect(page).toHaveURL(/\/fedmoe\/[0-9a-f-]{36}$/)
  const expertId = page.url().split('/').at(-1) as string
  familyId = expertId
  await expect(page.getByRole('heading', { level: 1, name: 'grasp-cups' })).toBeVisible()
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'open')

  await page.getByRole('main').getByRole('button', { name: 'New version' }).first().click()
  const newVersion = page.getByRole('dialog', { name: 'New version' })
  await newVersion.getByLabel('Version', { exact: true }).fill('1.0.0')
  await newVersion.getByRole('button', { name: 'Create version' }).click()
  await expect(newVersion).toBeHidden()
  await expect(versionItem(page, '1.0.0')).toHaveAttribute('data-status', 'adapting')
  const v1 = new URL(page.url()).searchParams.get('version') as string

  // The family's own gate policy, edited in the console.
  await page.getByRole('button', { name: 'Gate policy' }).click()
  const policy = page.getByRole('dialog', { name: 'Gate policy of grasp-cups' })
  await policy.getByRole('checkbox', { name: 'Use the platform default policy' }).uncheck()
  await policy.getByLabel('Policy (JSON)').fill(JSON.stringify({ ...POLICY, minApprovals: 99 }))
  await expect(policy.getByTestId('gate-policy-problems')).toContainText('minApprovals')
  await expect(policy.getByRole('button', { name: 'Save policy' })).toBeDisabled()
  await policy.getByLabel('Policy (JSON)').fill(JSON.stringify(POLICY))
  await policy.getByRole('button', { name: 'Save policy' }).click()
  await expect(policy).toBeHidden()
  await expect(page.getByTestId('family-live')).toContainText("the family's own policy")

  // An ingest key, created in the console and shown once.
  await page.getByRole('button', { name: 'Ingest key' }).click()
  await page.getByRole('dialog', { name: 'Create an ingest key' }).getByRole('button', { name: 'Create key' }).click()
  const created = page.getByRole('dialog', { name: 'Ingest key created' })
  const key = ((await created.getByTestId('ingest-key-secret').textContent()) ?? '').trim()
  expect(key).toMatch(/^tgk_/)
  await expect(created.getByTestId('ingest-curl')).toContainText(
    `/api/v1/fedmoe/experts/${expertId}/versions/${v1}/evidence`,
  )
  await created.getByRole('button', { name: 'Done' }).click()

  // A pipeline pushes a weak result with the key: it arrives live, and the gate says why it fails.
  const weak = await pushEvidence(server.url, key, expertId, v1, evalResult(0.62, 40), 'ci-1')
  expect(weak.status).toBe(201)
  const weakItem = (await weak.json()) as { id: string; digest: string }
  expect(weakItem.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
  await expect(page.getByTestId('evidence-row')).toHaveCount(1)
  const panel = page.getByTestId('version-panel')
  await panel.getByRole('button', { name: 'Check gate' }).click()
  const gate = panel.getByTestId('gate-rules')
  await expect(gate).toHaveAttribute('data-passed', 'false')
  await expect(rule(gate, 'min_metric')).toHaveAttribute('data-passed', 'false')
  await expect(rule(gate, 'min_metric').getByTestId('gate-observed')).toHaveText('0.62')
  await expect(rule(gate, 'min_metric').getByTestId('gate-required')).toHaveText('0.7')
  await expect(rule(gate, 'min_approvals')).toHaveAttribute('data-passed', 'false')
  await expect(rule(gate, 'min_approvals').getByTestId('gate-observed')).toHaveText('0')

  // Validating is refused by the server with every rule of the gate.
  await panel.getByRole('button', { name: 'Validate' }).click()
  const refused = page.getByRole('dialog', { name: 'Validate 1.0.0?' })
  await refused.getByRole('button', { name: 'Validate' }).click()
  await expect(refused.getByTestId('form-error')).toHaveAttribute('data-error-code', 'GATE_FAILED')
  const failed = refused.getByTestId('gate-failed')
  await expect(rule(failed, 'min_metric').getByTestId('gate-observed')).toHaveText('0.62')
  await expect(rule(failed, 'min_metric').getByTestId('gate-message')).toHaveText('40 samples, at least 50 needed')
  await refused.getByRole('button', { name: 'Cancel' }).click()
  await expect(versionItem(page, '1.0.0')).toHaveAttribute('data-status', 'adapting')

  // The dashboard counts the version awaiting validation and links to the gate failure.
  const dashboard = await page.context().newPage()
  await dashboard.goto(server.url)
  await expect(dashboard.getByTestId('fedmoe-awaiting-count')).toHaveText('1')
  await expect(dashboard.getByTestId('fedmoe-failures-count')).toHaveText('1')
  const failure = dashboard.getByTestId('dashboard-fedmoe-failure')
  await expect(failure).toContainText('grasp-cups 1.0.0')
  await expect(failure).toContainText('success_rate on libero-long')
  await failure.getByRole('link').click()
  await expect(dashboard).toHaveURL(new RegExp(`/fedmoe/${expertId}\\?version=${v1}$`))
  await expect(dashboard.getByTestId('version-panel')).toHaveAttribute('data-version', '1.0.0')
  await dashboard.close()

  // The evidence detail shows the digest and links to its audit entry.
  await page.getByTestId('evidence-row').getByRole('link', { name: 'Eval result' }).click()
  await expect(page.getByTestId('evidence-digest')).toHaveText(weakItem.digest)
  await expect(page.getByTestId('evidence-audit-link')).toHaveAttribute(
    'href',
    `/audit?action=fedmoe.evidence.ingested&resourceId=${weakItem.id}`,
  )
  await page.getByTestId('evidence-audit-link').click()
  await expect(page.getByRole('heading', { level: 1, name: 'Audit' })).toBeVisible()
  await expect(page.getByTestId('audit-row')).toHaveCount(1)
  await page.goBack()
  await page.goBack()

  // More evidence makes it pass: a stronger evaluation with traces, and an approving review.
  const v1Traces = tracesOf((i) => i % 3)
  expect((await pushEvidence(server.url, key, expertId, v1, evalResult(0.81, 120, v1Traces))).status).toBe(201)
  expect((await pushEvidence(server.url, key, expertId, v1, approval('grace'))).status).toBe(201)
  await expect(page.getByTestId('evidence-row')).toHaveCount(3)
  await panel.getByRole('button', { name: 'Check gate' }).click()
  await expect(gate).toHaveAttribute('data-passed', 'true')
  await expect(rule(gate, 'min_metric').getByTestId('gate-observed')).toHaveText('0.81')
  await validate(page, '1.0.0')
  await deploy(page, '1.0.0', 'stable', 'Nothing is live on stable now; 1.0.0 will be.')
  await expect(versionItem(page, '1.0.0')).toHaveAttribute('data-status', 'deployed')

  // A second version, deployed on the same channel: the first leaves it.
  await page.getByRole('main').getByRole('button', { name: 'New version' }).first().click()
  await newVersion.getByLabel('Version', { exact: true }).fill('2.0.0')
  await newVersion.getByRole('button', { name: 'Create version' }).click()
  await expect(newVersion).toBeHidden()
  const v2 = new URL(page.url()).searchParams.get('version') as string
  const v2Traces = tracesOf((i) => (i % 5 === 0 ? (i + 1) % 3 : i % 3))
  expect((await pushEvidence(server.url, key, expertId, v2, evalResult(0.85, 200, v2Traces))).status).toBe(201)
  expect((await pushEvidence(server.url, key, expertId, v2, approval('grace'))).status).toBe(201)
  await validate(page, '2.0.0')
  await deploy(page, '2.0.0', 'stable', '1.0.0 is live on stable now; 2.0.0 will be, and 1.0.0 leaves stable.')
  await expect(versionItem(page, '1.0.0')).toHaveAttribute('data-status', 'validated')
  await expect(page.getByTestId('family-live')).toContainText('stable → 2.0.0')

  // Roll back to the first: the dialog says what is live now and what will be.
  await page.getByRole('button', { name: 'Roll back' }).click()
  const rollback = page.getByRole('dialog', { name: 'Roll back a channel' })
  await rollback.getByLabel('Channel').selectOption('stable')
  await expect(rollback.getByLabel('Back to')).toHaveValue(v1)
  await expect(rollback.getByTestId('rollback-summary')).toHaveText(
    '2.0.0 is live on stable now; 1.0.0 will be, and 2.0.0 leaves stable.',
  )
  await rollback.getByRole('button', { name: 'Roll back' }).click()
  await expect(rollback).toBeHidden()
  await expect(page.getByTestId('family-live')).toContainText('stable → 1.0.0')
  await expect(versionItem(page, '1.0.0')).toHaveAttribute('data-status', 'deployed')
  await expect(versionItem(page, '2.0.0')).toHaveAttribute('data-status', 'validated')
  // The history keeps what was live when: the rollback on top and live, the two deploys ended.
  const history = page.getByTestId('deployment-row')
  await expect(history).toHaveCount(3)
  await expect(history.first()).toHaveAttribute('data-action', 'rollback')
  await expect(history.first()).toHaveAttribute('data-live', 'true')
  await expect(history.first()).toContainText('1.0.0 rolled back onto stable')
  await expect(page.locator('[data-testid="deployment-row"][data-live="false"]')).toHaveCount(2)

  // A third version on only 12 samples, then the arena compares the three.
  const v3 = await createVersionApi(server.url, admin, expertId, '3.0.0')
  const v3Traces = tracesOf((i) => (i % 7 === 0 ? (i + 2) % 3 : i % 3))
  expect((await pushEvidence(server.url, key, expertId, v3, evalResult(0.9, 12, v3Traces))).status).toBe(201)
  await expect(versionItem(page, '3.0.0')).toBeVisible()
  await page.getByRole('link', { name: 'Eval Arena' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Eval Arena' })).toBeVisible()
  await page.getByRole('button', { name: 'libero-long' }).click()
  await page.getByLabel('Baseline').selectOption(v1)
  await expect(page).toHaveURL(new RegExp(`baseline=${v1}`))
  for (const chart of ['bars', 'radar', 'history'])
    await expect(page.getByTestId(`arena-chart-${chart}`).locator('canvas')).toHaveCount(1)
  const row = (version: string) => page.locator(`[data-testid="arena-delta-row"][data-version="${version}"]`)
  const cell = (version: string) => row(version).locator('[data-metric="success_rate"]')
  await expect(row('1.0.0')).toHaveAttribute('data-baseline', 'true')
  await expect(row('1.0.0').getByTestId('arena-samples')).toHaveText('120 samples')
  await expect(cell('1.0.0').getByTestId('arena-mark')).toHaveText('baseline')
  await expect(cell('2.0.0').getByTestId('arena-value')).toHaveText('0.85')
  await expect(cell('2.0.0').getByTestId('arena-delta')).toHaveText('+0.04')
  await expect(cell('2.0.0').getByTestId('arena-delta-samples')).toHaveText('n=200 vs 120')
  await expect(cell('2.0.0').getByTestId('arena-mark')).toHaveText('not significant')
  await expect(cell('3.0.0').getByTestId('arena-value')).toHaveText('0.9')
  await expect(cell('3.0.0').getByTestId('arena-delta-samples')).toHaveText('n=12 vs 120')
  await expect(cell('3.0.0').getByTestId('arena-mark')).toHaveText('few samples')
  await expect(page.getByTestId('arena-chart-bars').getByRole('img')).toHaveAttribute(
    'aria-label',
    /2\.0\.0 \(200 samples\): grasp_rate 0\.8, smoothness 0\.925, success_rate 0\.85/,
  )

  // The trace viewer pages through the aligned inputs and filters to disagreements.
  await page.getByTestId('arena-traces-link').click()
  await expect(page.getByRole('heading', { level: 1, name: 'Traces side by side' })).toBeVisible()
  const rows = page.getByTestId('trace-compare-row')
  await expect(rows).toHaveCount(25)
  await expect(rows.first().getByTestId('trace-output')).toHaveCount(3)
  const firstPage = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-input-key')))
  await page.getByRole('button', { name: 'Next page' }).click()
  await expect(rows).toHaveCount(15)
  const secondPage = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-input-key')))
  expect(secondPage.filter((k) => firstPage.includes(k))).toEqual([])
  await expect(page.getByRole('button', { name: 'Next page' })).toBeDisabled()

  await page.getByRole('radio', { name: 'Disagreements' }).check({ force: true })
  await expect(page).toHaveURL(/filter=disagreements/)
  // Inputs 0, 5, ..., 35 differ on 2.0.0 and 0, 7, ..., 35 on 3.0.0: twelve inputs.
  await expect(rows).toHaveCount(12)
  await expect(page.locator('[data-testid="trace-compare-row"][data-differs="true"]')).toHaveCount(12)
  await expect(page.getByRole('button', { name: 'Next page' })).toBeDisabled()
  const outputs = await rows.first().getByTestId('trace-output').locator('pre').allTextContents()
  expect(new Set(outputs).size).toBeGreaterThan(1)
})

test('a viewer reads everything and is offered no change; filters and unknown ids say what they found', async ({
  page,
}) => {
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, 'victor', ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()

  // The list's filters live in the URL; a filter that matches nothing says so and clears.
  await page.goto(`${server.url}/fedmoe?status=archived`)
  await expect(page.getByLabel('Status')).toHaveValue('archived')
  await expect(page.locator('[data-testid="query-state"][data-state="empty"]')).toContainText(
    'No expert family matches these filters',
  )
  await page.getByRole('main').getByRole('button', { name: 'Clear filters' }).first().click()
  await expect(page).toHaveURL(/\/fedmoe$/)
  await expect(page.getByTestId('expert-row')).toHaveCount(1)
  await page.getByLabel('Base model').fill('pi-0')
  await expect(page).toHaveURL(/baseModel=pi-0/)
  await expect(page.getByTestId('expert-row')).toHaveCount(0)
  await page.getByLabel('Base model').fill('openvla-7b')
  await expect(page.getByTestId('expert-row')).toHaveCount(1)
  await expect(page.getByRole('button', { name: 'New family' })).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Default gate policy' })).toHaveCount(0)

  // The family page: the gate can be checked by anyone, nothing else is offered.
  await page.getByTestId('expert-row').getByRole('link', { name: 'grasp-cups' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'grasp-cups' })).toBeVisible()
  await expect(page.getByTestId('version-item')).toHaveCount(3)
  await expect(page.getByTestId('version-panel').getByRole('button', { name: 'Check gate' })).toBeVisible()
  for (const name of ['New version', 'Ingest key', 'Gate policy', 'Roll back', 'Validate', 'Archive', 'Deploy'])
    await expect(page.getByRole('button', { name, exact: true })).toHaveCount(0)

  // An unknown family, and an id that cannot be one, are not found.
  await page.goto(`${server.url}/fedmoe/${familyId.replace(/^.{8}/, '00000000')}`)
  await expect(page.getByTestId('expert-not-found')).toContainText('No such expert family')
  await page.goto(`${server.url}/fedmoe/not-an-id/arena`)
  await expect(page.getByTestId('expert-not-found')).toBeVisible()
})
