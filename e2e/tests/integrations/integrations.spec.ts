import type { Page } from '@playwright/test'
import { expect, test } from '../../support/test'
import { ADMIN, completeSetup, createUser } from '../../support/api'
import { expectNoSeriousA11yViolations } from '../../support/axe'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import {
  ROS_TOPICS,
  startFormant,
  startHeadServer,
  startHub,
  startRosbridge,
  startWebhookReceiver,
} from '../../support/protocol-servers'
import type { LocalServer, WebhookReceiver } from '../../support/protocol-servers'
import { buildPackage, releasePackage } from '../../support/tgsp'
import { signInUi } from '../../support/ui'

const HUB_TOKEN = 'hf_e2eReadToken7a1c'
const FORMANT_KEY = 'fmt-admin-key-9f3e'

let server: ConsoleServer
let admin: { cookie: string; csrf: string }
let hub: LocalServer
let formant: LocalServer
let ros: LocalServer
let nucleus: LocalServer
let receiver: WebhookReceiver
let built: ReturnType<typeof buildPackage>

test.beforeAll(async () => {
  ;[hub, formant, ros, nucleus, receiver] = await Promise.all([
    startHub(HUB_TOKEN),
    startFormant(FORMANT_KEY),
    startRosbridge(),
    startHeadServer(),
    startWebhookReceiver(),
  ])
  // Only the servers this test started are reachable: the egress guard refuses every other loopback address.
  const starting = startConsoleServer({
    TG_EGRESS_ALLOW_HOSTS: [hub, formant, ros, nucleus, receiver].map((s) => s.host).join(','),
    TG_INTEGRATION_CHECK_INTERVAL_S: '3600',
    TG_INTEGRATION_CHECK_TIMEOUT_MS: '3000',
    TG_INTEGRATION_POLL_MS: '200',
    TG_WEBHOOK_RETRY_BASE_MS: '200',
    TG_WEBHOOK_RETRY_WINDOW_S: '60',
  })
  built = buildPackage('1.0.0')
  server = await starting
  admin = await completeSetup(server.url, server.setupUrl as string)
})

test.afterAll(async () => {
  await server?.stop()
  await Promise.all([hub, formant, ros, nucleus, receiver].map((s) => s?.stop().catch(() => undefined)))
  built?.cleanup()
})

const card = (page: Page, name: string) =>
  page.getByTestId('connector-card').filter({ has: page.getByRole('heading', { name, exact: true }) })

async function addConnector(page: Page, kind: string, name: string, fields: Record<string, string>) {
  await page.getByRole('button', { name: 'Add a connector' }).first().click()
  const dialog = page.getByTestId('connector-edit-dialog')
  // Naive UI draws its own radio over the native one: pick the kind by its label, as a user does.
  await dialog.getByText(kind, { exact: true }).click()
  await expect(dialog.getByRole('radio', { name: kind })).toBeChecked()
  await dialog.getByLabel('Name').fill(name)
  for (const [label, value] of Object.entries(fields)) await dialog.getByLabel(label).fill(value)
  await dialog.getByRole('button', { name: 'Add connector' }).click()
  await expect(dialog).toBeHidden()
}

test('connectors against local servers turn healthy, a stopped one turns unhealthy with its remediation; a release reaches a signed webhook and is replayed', async ({
  page,
  browser,
}) => {
  test.setTimeout(150_000)
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, ADMIN.username, ADMIN.password)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Integrations' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Integrations' })).toBeVisible()
  await expect(page.getByText('No connectors yet')).toBeVisible()

  // Each kind, connected in the console: the form is drawn from the contract's schemas.
  await addConnector(page, 'Hugging Face Hub', 'support-bot model', {
    'Hub endpoint': hub.url,
    'Model id': 'acme/support-bot',
    'Access token': HUB_TOKEN,
  })
  await addConnector(page, 'Formant', 'robot fleet', { 'API endpoint': formant.url, 'API key': FORMANT_KEY })
  await addConnector(page, 'ROS 2 bridge (rosbridge)', 'lab robot', { 'rosbridge URL': ros.url })
  await addConnector(page, 'Isaac Lab / Omniverse Nucleus', 'nucleus', { 'Nucleus HTTP address': `${nucleus.url}/` })
  await expect(page.getByTestId('connector-card')).toHaveCount(4)
  for (const name of ['support-bot model', 'robot fleet', 'lab robot', 'nucleus'])
    await expect(card(page, name)).toHaveAttribute('data-status', 'healthy', { timeout: 20_000 })
  // Credentials are never shown: only that they are set, and their last 4 characters.
  await expect(page.locator('body')).not.toContainText(HUB_TOKEN)
  await expectNoSeriousA11yViolations(page, 'connectors')
  await card(page, 'robot fleet').getByRole('button', { name: 'Edit robot fleet' }).click()
  const edit = page.getByTestId('connector-edit-dialog')
  await expect(edit.locator('[data-testid="secret-field"][data-field="apiKey"]')).toContainText('••••9f3e')
  await expect(edit.locator('[data-testid="secret-field"][data-field="agentToken"]')).toContainText('not set')
  // Replacing the key with a wrong one: the next check says the credential is refused, and what to do.
  await edit
    .locator('[data-testid="secret-field"][data-field="apiKey"]')
    .getByRole('button', { name: 'Replace' })
    .click()
  await edit.getByLabel('API key').fill('fmt-wrong-key-0000')
  await edit.getByRole('button', { name: 'Save connector' }).click()
  await expect(edit).toBeHidden()
  const fleet = card(page, 'robot fleet')
  await fleet.getByRole('button', { name: 'Check now robot fleet' }).click()
  await expect(fleet).toHaveAttribute('data-status', 'unhealthy', { timeout: 20_000 })
  await expect(fleet.getByTestId('reason')).toHaveAttribute('data-reason', 'unauthorized')
  await expect(fleet.getByTestId('remediation')).toBeVisible()
  await fleet.getByRole('button', { name: 'Edit robot fleet' }).click()
  await expect(edit.locator('[data-testid="secret-field"][data-field="apiKey"]')).toContainText('••••0000')
  await edit.getByRole('button', { name: 'Cancel' }).click()

  // The details each check found: the model's size and last change, the bridge's topics.
  await card(page, 'support-bot model').getByRole('link', { name: 'support-bot model' }).click()
  await expect(page.getByTestId('model-size')).toHaveText('2 MiB')
  await expect(page.getByTestId('model-last-modified')).toContainText('2026')
  await expect(page.getByTestId('connector-config')).not.toContainText(HUB_TOKEN)
  await page.goBack()
  await card(page, 'lab robot').getByRole('link', { name: 'lab robot' }).click()
  await expect(page.getByTestId('topic-count')).toContainText(`${ROS_TOPICS.length} topics`)
  for (const topic of ROS_TOPICS) await expect(page.getByTestId('connector-details')).toContainText(topic)
  await page.goBack()

  // A viewer reads every connector and its status, and is offered none of the admin's actions.
  await createUser(server.url, admin, 'vic-viewer', ['viewer'])
  const viewer = await (await browser.newContext()).newPage()
  await viewer.goto(`${server.url}/sign-in`)
  await signInUi(viewer, 'vic-viewer', ADMIN.password)
  await expect(viewer.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  await viewer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Integrations' }).click()
  await expect(viewer.getByTestId('connector-card')).toHaveCount(4)
  await expect(viewer.getByRole('button', { name: /Add a connector|Check now|Edit|Delete/ })).toHaveCount(0)
  await viewer.getByRole('link', { name: 'Webhooks' }).click()
  await expect(viewer.getByText('An admin creates webhooks.')).toBeVisible()
  await viewer.context().close()

  // The Nucleus server goes away: "Check now" shows the failure, what to do, and the history.
  await nucleus.stop()
  const nucleusCard = card(page, 'nucleus')
  await nucleusCard.getByRole('button', { name: 'Check now nucleus' }).click()
  await expect(nucleusCard).toHaveAttribute('data-status', 'unhealthy', { timeout: 20_000 })
  await expect(nucleusCard.getByTestId('reason')).toHaveAttribute('data-reason', 'unreachable')
  await expect(nucleusCard.getByTestId('remediation')).toBeVisible()
  await nucleusCard.getByRole('link', { name: 'nucleus' }).click()
  await expect(page.getByTestId('connector-status')).toHaveAttribute('data-status', 'unhealthy')
  await expect(page.getByTestId('chart-check-history').getByRole('img')).toHaveAttribute(
    'aria-label',
    /^\d+ checks: latest unhealthy, —; 1 not healthy\.$/,
  )
  await expect(page.getByTestId('check-row').first()).toHaveAttribute('data-status', 'unhealthy')
  await expect(page.getByTestId('check-row').nth(1)).toHaveAttribute('data-status', 'healthy')
  await expect(page.getByTestId('remediation')).toBeVisible()
  await expectNoSeriousA11yViolations(page, 'connector detail')

  // Deleting asks first; the connector, its credentials and history go.
  await page.getByRole('link', { name: 'Integrations' }).first().click()
  await card(page, 'lab robot').getByRole('button', { name: 'Delete lab robot' }).click()
  const confirm = page.getByTestId('connector-delete-dialog')
  await expect(confirm).toContainText('cannot be undone')
  await confirm.getByRole('button', { name: 'Delete connector' }).click()
  await expect(page.getByTestId('connector-card')).toHaveCount(3)

  // A webhook for promoted releases; its secret is shown once and given to the receiver.
  await page.goto(`${server.url}/integrations/webhooks`)
  await page.getByRole('button', { name: 'Create a webhook' }).first().click()
  const create = page.getByTestId('webhook-edit-dialog')
  await create.getByLabel('Name').fill('release bot')
  await create.getByLabel('Payload URL').fill(`${receiver.url}/hook`)
  await create.getByRole('checkbox', { name: 'Release promoted' }).check()
  await create.getByRole('button', { name: 'Create webhook' }).click()
  const secret = (await page.getByTestId('webhook-secret').textContent())?.trim() ?? ''
  expect(secret).toMatch(/^whsec_/)
  receiver.setSecret(secret)
  await page.getByTestId('webhook-secret-dialog').getByRole('button', { name: 'Done' }).click()
  await expect(page.getByTestId('webhook-row')).toHaveCount(1)
  await expect(page.locator('body')).not.toContainText(secret)

  // "Send test event": the receiver verifies its signature; the delivery log shows both attempts.
  await page.getByRole('link', { name: 'release bot' }).click()
  await expect(page.getByText('No delivery yet')).toBeVisible()
  await page.getByRole('button', { name: 'Send test event' }).click()
  await expect.poll(() => receiver.received.map((d) => d.type), { timeout: 30_000 }).toEqual(['webhook.test'])
  const testEvent = receiver.received[0]!
  expect(receiver.refused).toContainEqual({ webhookId: testEvent.webhookId, reason: 'first attempt' })
  const rows = page.getByTestId('delivery-row')
  await expect(rows).toHaveCount(1)
  await expect(rows.first()).toHaveAttribute('data-status', 'succeeded')
  await expectNoSeriousA11yViolations(page, 'webhook detail')

  // A release is promoted: the receiver gets it, signed, after one refused attempt.
  await releasePackage(server.url, admin, built, 'canary')
  await expect
    .poll(() => receiver.received.map((d) => d.type), { timeout: 30_000 })
    .toEqual(['webhook.test', 'release.promoted'])
  const first = receiver.received[1]!
  expect(receiver.refused).toContainEqual({ webhookId: first.webhookId, reason: 'first attempt' })

  // The delivery log shows it, with both attempts; Replay sends it again under a new webhook-id.
  const release = page.locator('[data-testid="delivery-row"][data-event="release.promoted"]')
  await expect(release).toHaveCount(1)
  await expect(release).toHaveAttribute('data-status', 'succeeded')
  // Opened in the log, the row shows each attempt's status and latency.
  await release.locator('.n-data-table-expand-trigger').click()
  const inline = page.getByTestId('delivery-attempts')
  await expect(inline.getByTestId('attempt-row')).toHaveCount(2)
  await expect(inline.getByTestId('attempt-row').first()).toHaveAttribute('data-status-code', '503')
  await expectNoSeriousA11yViolations(page, 'delivery log with attempts')
  await release.getByRole('link').first().click()
  await expect(page.getByTestId('message-id')).toHaveText(first.webhookId)
  await expect(page.getByTestId('attempt-row')).toHaveCount(2)
  await expect(page.getByTestId('attempt-row').first()).toHaveAttribute('data-status-code', '503')
  await expect(page.getByTestId('attempt-row').nth(1)).toHaveAttribute('data-status-code', '200')
  await expectNoSeriousA11yViolations(page, 'delivery detail')
  await expect(page.getByTestId('delivery-payload')).toContainText(first.eventId)
  await page.getByRole('button', { name: 'Replay' }).click()
  await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBe(3)
  const replayed = receiver.received[2]!
  expect(replayed.type).toBe('release.promoted')
  expect(replayed.eventId).toBe(first.eventId)
  expect(replayed.webhookId).not.toBe(first.webhookId)
  await expect(page.getByTestId('message-id')).toHaveText(replayed.webhookId)
  await expect(page.getByTestId('delivery-facts')).toHaveAttribute('data-status', 'succeeded')
  await page.getByRole('link', { name: 'its delivery log' }).click()
  await expect(page.locator('[data-testid="delivery-row"][data-event="release.promoted"]')).toHaveCount(2)
  await expect(page.locator('[data-testid="delivery-row"][data-replay="true"]')).toHaveCount(1)

  // A rotated secret signs from then on: the receiver, given the new one, verifies the next test event.
  await page.getByRole('button', { name: 'Rotate secret' }).click()
  await page.getByTestId('webhook-rotate-dialog').getByRole('button', { name: 'Rotate secret' }).click()
  const rotated = (await page.getByTestId('webhook-secret').textContent())?.trim() ?? ''
  expect(rotated).toMatch(/^whsec_/)
  expect(rotated).not.toBe(secret)
  receiver.setSecret(rotated)
  await page.getByTestId('webhook-secret-dialog').getByRole('button', { name: 'Done' }).click()
  await expect(page.getByTestId('secret-state')).toContainText(`••••${rotated.slice(-4)}`)
  await page.getByRole('button', { name: 'Send test event' }).click()
  await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBe(4)
  expect(receiver.received[3]!.type).toBe('webhook.test')

  // Disabled, it takes no test event.
  await page.getByRole('button', { name: 'Disable' }).click()
  await expect(page.getByTestId('webhook-facts')).toContainText('Disabled')
  await expect(page.getByRole('button', { name: 'Send test event' })).toBeDisabled()
})
