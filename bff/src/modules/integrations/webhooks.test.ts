import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sql } from 'drizzle-orm'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, json } from '../../test/harness'
import type { ErrorBody, Harness } from '../../test/harness'
import { makePackage, publisherKey, UPLOAD_PATH } from '../tgsp/test-support'
import { parseAllowHosts } from './egress'
import { nextDelayMs } from './deliveries'
import { startHubServer } from './test-servers'

type Session = { cookie: string; csrf: string }
type WebhookBody = { id: string; enabled: boolean; disabledReason: string | null; secretLast4: string }
type Created = { webhook: WebhookBody; secret: string }
type DeliveryBody = {
  id: string
  status: string
  messageId: string
  eventId: string
  eventType: string
  attempts: number
  replayOf: string | null
}
type DeliveryDetailBody = DeliveryBody & {
  payload: { id: string; type: string; timestamp: string; data: { resource: Record<string, unknown> } }
  attemptLog: Array<{ number: number; statusCode: number | null; succeeded: boolean; responseSnippet: string | null }>
}
type Received = { id: string; type: string; verified: boolean; status: number; body: Record<string, unknown> }

const BASE = '/api/v1/integrations'

/**
 * A receiver that verifies every request with the Standard Webhooks library and answers 503 to
 * the first `refuse` attempts of each webhook-id (to prove the retries), then 200.
 */
async function startReceiver(secret: () => string, refuse = 2) {
  const received: Received[] = []
  const attempts = new Map<string, number>()
  let mode: 'normal' | 'always-fail' = 'normal'
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const id = String(req.headers['webhook-id'])
      let verified: boolean
      let body: Record<string, unknown> = {}
      try {
        body = new Webhook(secret()).verify(raw, req.headers as Record<string, string>) as Record<string, unknown>
        verified = true
      } catch {
        verified = false
      }
      const n = (attempts.get(id) ?? 0) + 1
      attempts.set(id, n)
      const status = !verified ? 400 : mode === 'always-fail' || n <= refuse ? 503 : 200
      received.push({ id, type: String(body.type), verified, status, body })
      res.writeHead(status, { 'content-type': 'text/plain' })
      res.end(status === 200 ? 'ok' : 'try again later')
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    setMode: (m: typeof mode) => (mode = m),
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

describe('outgoing webhooks', () => {
  let h: Harness
  let admin: Session
  let viewer: Session
  let secret = ''
  let receiver: Awaited<ReturnType<typeof startReceiver>>
  let hook: WebhookBody
  const seen: string[] = []

  const call = async (method: string, path: string, who: Session, body?: unknown) => {
    const res = await h.request(method, `${BASE}${path}`, { ...who, body })
    seen.push(await res.clone().text())
    return res
  }
  /** Runs the delivery worker until no delivery is pending or failing (retries wait a few ms). */
  const deliverAll = async (timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      await h.services.integrations.runDeliveries()
      const open = await h.database.db.execute(
        sql`select count(*)::int as n from webhook_deliveries where status in ('pending', 'failed', 'delivering')
            and subscription_id in (select id from webhook_subscriptions where enabled)`,
      )
      if ((open as unknown as { rows: Array<{ n: number }> }).rows[0]!.n === 0) return
      if (Date.now() > deadline) throw new Error('deliveries still open')
      await new Promise((r) => setTimeout(r, 15))
    }
  }
  const deliveries = async (webhookId: string) =>
    (await json<{ items: DeliveryBody[] }>(await call('GET', `/webhooks/${webhookId}/deliveries`, viewer))).items

  beforeAll(async () => {
    receiver = await startReceiver(() => secret)
    h = await createHarness({
      integrations: {
        egress: { allowHosts: parseAllowHosts('127.0.0.1'), maxBytes: 1024 * 1024 },
        retryBaseMs: 10,
        // Long enough that a delivery made under a loaded machine is not dead before its first
        // attempt (the receiver refuses two attempts of each message), short enough for the dead test.
        retryWindowMs: 8000,
        disableAfter: 2,
        checkTimeoutMs: 2000,
        deliveryTimeoutMs: 2000,
      },
      audit: { checkpointEvery: 1_000_000 },
    })
    admin = await h.userSession('ada', ['admin'])
    viewer = await h.userSession('vic', ['viewer'])
    const res = await call('POST', '/webhooks', admin, {
      name: 'receiver',
      url: receiver.url,
      events: [
        'release.promoted',
        'release.rolled_back',
        'package.verified',
        'package.refused',
        'training.budget_exhausted',
        'integration.status_changed',
        'audit.checkpoint_published',
        'expert.deployed',
      ],
    })
    expect(res.status, await res.clone().text()).toBe(201)
    const created = await json<Created>(res)
    secret = created.secret
    hook = created.webhook
  })
  afterAll(async () => {
    await h.close()
    await receiver.close()
  })

  it('creates a subscription with a Standard Webhooks secret shown once', async () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect(hook).toMatchObject({ enabled: true, disabledReason: null, secretLast4: secret.slice(-4) })
    const read = await call('GET', `/webhooks/${hook.id}`, viewer)
    expect(await read.clone().text()).not.toContain(secret)
    expect(
      (await json<{ items: WebhookBody[] }>(await call('GET', '/webhooks', viewer))).items.map((w) => w.id),
    ).toEqual([hook.id])
  })

  it('refuses bad subscriptions: no events, http to an unlisted host, a private address; viewers cannot create', async () => {
    const none = await call('POST', '/webhooks', admin, { name: 'x', url: receiver.url, events: [] })
    expect(none.status).toBe(422)
    const plain = await call('POST', '/webhooks', admin, {
      name: 'x',
      url: 'http://hooks.example/tg',
      events: ['webhook.test'],
    })
    expect(plain.status).toBe(422)
    expect((await json<ErrorBody>(plain)).error.details).toEqual({
      issues: [
        { path: 'url', message: 'Use https:// (http:// only for hosts an admin listed in TG_EGRESS_ALLOW_HOSTS).' },
      ],
    })
    const internal = await call('POST', '/webhooks', admin, {
      name: 'x',
      url: 'https://10.0.0.8/tg',
      events: ['webhook.test'],
    })
    expect(internal.status).toBe(422)
    expect(
      (await call('POST', '/webhooks', viewer, { name: 'x', url: receiver.url, events: ['webhook.test'] })).status,
    ).toBe(403)
  })

  it('signs a test event, retries after two refusals with the same webhook-id, logs every attempt', async () => {
    const queued = await call('POST', `/webhooks/${hook.id}/test`, admin)
    expect(queued.status).toBe(202)
    const delivery = await json<DeliveryBody>(queued)
    expect(delivery).toMatchObject({ status: 'pending', eventType: 'webhook.test', attempts: 0, replayOf: null })
    expect(delivery.messageId).toMatch(/^msg_[0-9a-f]{32}$/)
    await deliverAll()

    const got = receiver.received.filter((r) => r.id === delivery.messageId)
    expect(got.map((r) => [r.verified, r.status])).toEqual([
      [true, 503],
      [true, 503],
      [true, 200],
    ])
    expect(got[2]!.body).toMatchObject({
      id: delivery.eventId,
      type: 'webhook.test',
      data: { resource: { webhookId: hook.id } },
    })

    const detail = await json<DeliveryDetailBody>(await call('GET', `/deliveries/${delivery.id}`, viewer))
    expect(detail).toMatchObject({ status: 'succeeded', attempts: 3, messageId: delivery.messageId })
    expect(detail.attemptLog.map((a) => [a.number, a.statusCode, a.succeeded, a.responseSnippet])).toEqual([
      [1, 503, false, 'try again later'],
      [2, 503, false, 'try again later'],
      [3, 200, true, 'ok'],
    ])
  })

  it('replays a delivery with the same payload and a new webhook-id', async () => {
    const [last] = await deliveries(hook.id)
    const res = await call('POST', `/deliveries/${last!.id}/replay`, admin)
    expect(res.status).toBe(202)
    const replay = await json<DeliveryBody>(res)
    expect(replay).toMatchObject({ replayOf: last!.id, eventId: last!.eventId, status: 'pending' })
    expect(replay.messageId).not.toBe(last!.messageId)
    await deliverAll()
    const got = receiver.received.filter((r) => r.id === replay.messageId)
    expect(got.at(-1)).toMatchObject({ verified: true, status: 200, body: { id: last!.eventId } })
    expect((await call('POST', `/deliveries/${last!.id}/replay`, viewer)).status).toBe(403)
  })

  it('sends the events of the platform, each in the transaction of its change', async () => {
    // integration.status_changed
    const hub = await startHubServer()
    const connector = await json<{ id: string }>(
      await call('POST', '/connectors', admin, {
        name: 'hub',
        config: { kind: 'huggingface', endpoint: hub.url, modelId: 'org/public-model' },
      }),
    )
    await h.services.integrations.runChecks()
    await hub.close()
    await deliverAll()
    // package.verified, package.refused, release.promoted, release.rolled_back
    const key = await publisherKey(h)
    const upload = (bytes: Uint8Array) =>
      h.request('POST', UPLOAD_PATH, {
        bearer: key,
        rawBody: bytes,
        headers: { 'content-type': 'application/octet-stream' },
      })
    const uploaded = async () => {
      const res = await upload(makePackage())
      expect(res.status, await res.clone().text()).toBe(201)
      return json<{ id: string }>(res)
    }
    const p1 = await uploaded()
    const p2 = await uploaded()
    const bad = makePackage()
    bad[bad.length - 10] = bad[bad.length - 10]! ^ 0xff
    expect((await upload(bad)).status).toBe(422)
    // Each group is delivered while young: the retry window counts from the event's creation.
    await deliverAll()
    const operator = await h.userSession('otto', ['operator', 'release-manager'])
    const fleet = await json<{ id: string }>(
      await h.request('POST', '/api/v1/tgsp/fleets', { ...operator, body: { name: 'edge' } }),
    )
    const promote = async (packageId: string) =>
      json<{ id: string }>(
        await h.request('POST', '/api/v1/tgsp/releases', {
          ...operator,
          body: { packageId, fleetId: fleet.id, channel: 'stable' },
        }),
      )
    const r1 = await promote(p1.id)
    await promote(p2.id)
    expect((await h.request('POST', `/api/v1/tgsp/releases/${r1.id}/rollback`, { ...operator, body: {} })).status).toBe(
      201,
    )
    await deliverAll()
    // training.budget_exhausted
    const run = await json<{ id: string }>(
      await h.request('POST', '/api/v1/training/runs', {
        ...operator,
        body: {
          name: 'tiny budget',
          baseModel: 'm',
          adapter: {},
          plannedRounds: 10,
          stepsPerRound: 100,
          dp: { noiseMultiplier: 0.8, clippingNorm: 1, sampleRate: 0.05, delta: 1e-5, epsilonBudget: 0.5 },
        },
      }),
    )
    const agent = await json<{ secret: string }>(
      await h.request('POST', `/api/v1/training/runs/${run.id}/agent-keys`, { ...operator, body: { name: 'a' } }),
    )
    const round = await h.request('POST', `/api/v1/training/runs/${run.id}/rounds`, {
      bearer: agent.secret,
      body: {
        index: 0,
        clients: 4,
        steps: 100,
        sampleRate: 0.05,
        noiseMultiplier: 0.8,
        clippingNorm: 1,
        metrics: { loss: 1 },
        startedAt: '2026-11-30T10:00:00.000Z',
        endedAt: '2026-11-30T10:05:00.000Z',
      },
    })
    expect(round.status).toBe(409)
    await deliverAll()
    // expert.deployed: a FedMoE version validated through its gate (one approval) and deployed
    const fedmoe = async (path: string, body: unknown, status: number) => {
      const res = await h.request('POST', `/api/v1/fedmoe/experts${path}`, { ...operator, body })
      expect(res.status, await res.clone().text()).toBe(status)
      return json<{ id: string }>(res)
    }
    const family = await fedmoe('', { name: 'grasp', baseModel: 'pi-0' }, 201)
    const expertVersion = await fedmoe(`/${family.id}/versions`, { version: '1.0.0' }, 201)
    const versionPath = `/${family.id}/versions/${expertVersion.id}`
    await fedmoe(
      `${versionPath}/evidence`,
      { type: 'PEER_REVIEW', reviewer: 'rita', verdict: 'approve', comments: '' },
      201,
    )
    await fedmoe(`${versionPath}/status`, { status: 'validated', reason: 'gate passed' }, 200)
    const deployment = await fedmoe(`${versionPath}/deploy`, { channel: 'stable', reason: 'first release' }, 200)
    // audit.checkpoint_published
    await h.services.audit.createCheckpoint()

    await deliverAll()
    const ok = receiver.received.filter((r) => r.status === 200 && r.type !== 'webhook.test')
    const types = ok.map((r) => r.type)
    expect(types.filter((t) => t === 'integration.status_changed')).toHaveLength(1)
    expect(types.filter((t) => t === 'package.verified')).toHaveLength(2)
    expect(types.filter((t) => t === 'package.refused')).toHaveLength(1)
    expect(types.filter((t) => t === 'release.promoted')).toHaveLength(2)
    expect(types.filter((t) => t === 'release.rolled_back')).toHaveLength(1)
    expect(types.filter((t) => t === 'training.budget_exhausted')).toHaveLength(1)
    expect(types.filter((t) => t === 'audit.checkpoint_published')).toHaveLength(1)
    const deployed = ok.filter((r) => r.type === 'expert.deployed')
    expect(deployed).toHaveLength(1)
    expect((deployed[0]!.body as { data: { resource: Record<string, unknown> } }).data.resource).toMatchObject({
      expertId: family.id,
      versionId: expertVersion.id,
      channel: 'stable',
      deploymentId: deployment.id,
      action: 'deploy',
    })
    const status = ok.find((r) => r.type === 'integration.status_changed')!.body as {
      data: { resource: Record<string, unknown> }
    }
    expect(status.data.resource).toMatchObject({ id: connector.id, previousStatus: 'unknown', status: 'healthy' })
    const budget = ok.find((r) => r.type === 'training.budget_exhausted')!.body as {
      data: { resource: Record<string, unknown> }
    }
    expect(budget.data.resource).toMatchObject({ id: run.id, name: 'tiny budget', epsilonBudget: 0.5 })
  })

  it('a failed change sends nothing: the event rolls back with it', async () => {
    const before = await h.database.db.execute(sql`select count(*)::int as n from webhook_events`)
    const operator = await h.signIn('otto')
    // Promoting a package that does not exist fails inside the transaction.
    const res = await h.request('POST', '/api/v1/tgsp/releases', {
      ...operator,
      body: {
        packageId: '00000000-0000-4000-8000-000000000000',
        fleetId: '00000000-0000-4000-8000-000000000001',
        channel: 'stable',
      },
    })
    expect(res.status).toBe(404)
    const after = await h.database.db.execute(sql`select count(*)::int as n from webhook_events`)
    expect((after as unknown as { rows: Array<{ n: number }> }).rows[0]!.n).toBe(
      (before as unknown as { rows: Array<{ n: number }> }).rows[0]!.n,
    )
  })

  it('gives up after the retry window (dead) and disables a subscription that keeps failing, audited', async () => {
    receiver.setMode('always-fail')
    const ids: string[] = []
    for (let i = 0; i < 2; i++)
      ids.push((await json<DeliveryBody>(await call('POST', `/webhooks/${hook.id}/test`, admin))).id)
    await deliverAll(20_000)
    for (const id of ids)
      expect((await json<DeliveryBody>(await call('GET', `/deliveries/${id}`, viewer))).status).toBe('dead')
    const disabled = await json<WebhookBody>(await call('GET', `/webhooks/${hook.id}`, viewer))
    expect(disabled.enabled).toBe(false)
    expect(disabled.disabledReason).toMatch(/^Disabled after 2 deliveries in a row failed/)
    const audit = (await h.auditEntries()).filter((e) => e.body.action === 'integrations.webhook.disabled')
    expect(audit).toHaveLength(1)
    expect((await call('POST', `/webhooks/${hook.id}/test`, admin)).status).toBe(409)
    receiver.setMode('normal')
    const enabled = await json<WebhookBody>(await call('PATCH', `/webhooks/${hook.id}`, admin, { enabled: true }))
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null })
  })

  it('rotates the secret: later deliveries are signed with the new one', async () => {
    const res = await call('POST', `/webhooks/${hook.id}/rotate-secret`, admin)
    expect(res.status).toBe(200)
    const rotated = await json<Created>(res)
    expect(rotated.secret).not.toBe(secret)
    secret = rotated.secret
    const d = await json<DeliveryBody>(await call('POST', `/webhooks/${hook.id}/test`, admin))
    await deliverAll()
    expect(receiver.received.filter((r) => r.id === d.messageId).map((r) => r.verified)).toEqual([true, true, true])
  })

  it('pages deliveries newest first and filters by status', async () => {
    const page = await json<{ items: DeliveryBody[]; nextCursor: string | null }>(
      await call('GET', `/webhooks/${hook.id}/deliveries?limit=2`, viewer),
    )
    expect(page.items).toHaveLength(2)
    const rest = await json<{ items: DeliveryBody[] }>(
      await call('GET', `/webhooks/${hook.id}/deliveries?limit=200&cursor=${page.nextCursor}`, viewer),
    )
    expect(rest.items.map((d) => d.id)).not.toContain(page.items[0]!.id)
    const dead = await json<{ items: DeliveryBody[] }>(
      await call('GET', `/webhooks/${hook.id}/deliveries?status=dead`, viewer),
    )
    expect(dead.items.map((d) => d.status)).toEqual(['dead', 'dead'])
  })

  it('never shows a signing secret except in the answer that made it', async () => {
    const logs = h.logs.text()
    const audit = JSON.stringify(await h.auditEntries())
    const made = seen.filter((b) => b.includes('"secret":"whsec_'))
    expect(made).toHaveLength(2) // create and rotate
    for (const body of seen.filter((b) => !made.includes(b))) expect(body).not.toMatch(/whsec_/)
    expect(logs).not.toMatch(/whsec_/)
    expect(audit).not.toMatch(/whsec_/)
  })

  it('backs off exponentially with full jitter, within the window', () => {
    expect(nextDelayMs(1000, 1, 1e9, () => 0.999)).toBe(999)
    expect(nextDelayMs(1000, 4, 1e9, () => 0.999)).toBe(7992)
    expect(nextDelayMs(1000, 4, 1e9, () => 0)).toBe(0)
    expect(nextDelayMs(1000, 10, 5000, () => 0.999)).toBe(5000)
  })
})
