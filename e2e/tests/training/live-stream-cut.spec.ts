import { expect, test } from '../../support/test'
import { ADMIN, completeSetup, createUser } from '../../support/api'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { startTcpProxy } from '../../support/tcp-proxy'
import type { TcpProxy } from '../../support/tcp-proxy'
import { createAgentKey, createRun, reportRound, roundAt } from '../../support/training'
import { signInUi } from '../../support/ui'

// The browser reaches the console through a TCP proxy that the test cuts: the live stream drops
// for real (no test-only switch in the product), a round is reported meanwhile, and after the
// connection comes back the console shows it without a reload, from the server's replay by the
// stream's Last-Event-ID.

let server: ConsoleServer
let proxy: TcpProxy
let runId = ''
let agentKey = ''
const SETTINGS = { steps: 10, sampleRate: 0.01, noiseMultiplier: 1.1, clippingNorm: 1 }

test.beforeAll(async () => {
  server = await startConsoleServer()
  const admin = await completeSetup(server.url, server.setupUrl as string)
  await createUser(server.url, admin, 'olive', ['operator'])
  runId = await createRun(server.url, admin, {
    name: 'cut-stream',
    baseModel: 'llama-3-8b',
    adapter: { method: 'lora', rank: 8, alpha: 16, targetModules: ['q_proj'] },
    plannedRounds: 20,
    stepsPerRound: SETTINGS.steps,
    dp: { ...SETTINGS, delta: 1e-5, epsilonBudget: 8, datasetSize: null },
  })
  agentKey = await createAgentKey(server.url, admin, runId)
  for (const index of [0, 1])
    expect((await reportRound(server.url, agentKey, runId, roundAt(index, SETTINGS))).status).toBe(201)
  proxy = await startTcpProxy(server.url)
})
test.afterAll(async () => {
  await proxy?.stop()
  await server?.stop()
})

test('a run page whose live stream was cut shows the round reported meanwhile, without a reload', async ({ page }) => {
  await page.goto(`${proxy.url}/sign-in`)
  await signInUi(page, 'olive', ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  await page.goto(`${proxy.url}/training/runs/${runId}`)
  const indicator = page.getByTestId('live-indicator')
  await expect(indicator).toHaveAttribute('data-state', 'open')
  await expect(page.getByTestId('run-rounds')).toHaveText('2 of 20')
  // Marks this document: a reload would lose it.
  await page.evaluate(() => Object.assign(window, { __sameDocument: true }))

  proxy.cut()
  await expect(indicator).toHaveAttribute('data-state', 'reconnecting')
  const resumesBefore = resumeRequests(proxy.sent()).length
  // Reported while the console cannot hear: straight to the server, as the agent does.
  expect((await reportRound(server.url, agentKey, runId, roundAt(2, SETTINGS))).status).toBe(201)
  await expect(page.getByTestId('run-rounds')).toHaveText('2 of 20')

  proxy.restore()
  await expect(indicator).toHaveAttribute('data-state', 'open', { timeout: 40_000 })
  await expect(page.getByTestId('run-rounds')).toHaveText('3 of 20')
  expect(await page.evaluate(() => (window as { __sameDocument?: boolean }).__sameDocument)).toBe(true)
  // The stream came back from where it was: its request named the last event it had seen.
  expect(resumeRequests(proxy.sent()).length).toBeGreaterThan(resumesBefore)
})

/** Requests for the training event stream that resume from a last event id (header or query). */
function resumeRequests(sent: string): string[] {
  return sent
    .split(/\r\n\r\n/)
    .filter((head) => head.startsWith('GET /api/v1/training/events'))
    .filter((head) => /\r\nlast-event-id: \S/i.test(head) || /[?&]lastEventId=/.test(head.split('\r\n')[0] ?? ''))
}
