import type { AddressInfo } from 'node:net'
import { sql } from 'drizzle-orm'
import { WebSocketServer } from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, json } from '../../test/harness'
import type { ErrorBody, Harness } from '../../test/harness'
import { parseAllowHosts } from './egress'
import {
  FORMANT_AGENT_TOKEN,
  FORMANT_API_KEY,
  HUB_TOKEN,
  ROS_TOPICS,
  startFormantServer,
  startHeadServer,
  startHubServer,
  startRosbridgeServer,
} from './test-servers'
import type { LocalServer } from './test-servers'

type Session = { cookie: string; csrf: string }
type ConnectorBody = {
  id: string
  name: string
  kind: string
  status: string
  config: Record<string, unknown>
  secrets: Record<string, { set: boolean; last4?: string; setAt?: string }>
  lastCheck: {
    status: string
    reason: string | null
    remediation: string | null
    message: string
    latencyMs: number | null
    details: Record<string, unknown> | null
  } | null
}

const BASE = '/api/v1/integrations'

describe('integration connectors', () => {
  let h: Harness
  let admin: Session
  let viewer: Session
  let hub: LocalServer
  let formant: LocalServer
  let ros: LocalServer
  let head: LocalServer
  /** Every response body the tests saw: none may contain a credential. */
  const seen: string[] = []

  const call = async (method: string, path: string, who: Session, body?: unknown) => {
    const res = await h.request(method, `${BASE}${path}`, { ...who, body })
    seen.push(await res.clone().text())
    return res
  }
  const create = async (name: string, config: Record<string, unknown>) => {
    const res = await call('POST', '/connectors', admin, { name, config })
    expect(res.status, await res.clone().text()).toBe(201)
    return json<ConnectorBody>(res)
  }
  const get = async (id: string) => json<ConnectorBody>(await call('GET', `/connectors/${id}`, viewer))

  beforeAll(async () => {
    ;[hub, formant, ros, head] = await Promise.all([
      startHubServer(),
      startFormantServer(),
      startRosbridgeServer(),
      startHeadServer(),
    ])
    h = await createHarness({
      integrations: {
        egress: { allowHosts: parseAllowHosts('127.0.0.1'), maxBytes: 1024 * 1024 },
        checkTimeoutMs: 2000,
      },
    })
    admin = await h.userSession('ada', ['admin'])
    viewer = await h.userSession('vic', ['viewer'])
  })
  afterAll(async () => {
    await h.close()
    await Promise.all([hub.close(), formant.close(), ros.close(), head.close()])
  })

  it('connects each kind against local servers and sees it healthy, off the request path', async () => {
    const hf = await create('hub public', { kind: 'huggingface', endpoint: hub.url, modelId: 'org/public-model' })
    expect(hf).toMatchObject({ status: 'unknown', lastCheck: null, secrets: { token: { set: false } } })
    expect(hf.config).toEqual({ kind: 'huggingface', endpoint: hub.url, modelId: 'org/public-model' })
    const hfPrivate = await create('hub private', {
      kind: 'huggingface',
      endpoint: hub.url,
      modelId: 'org/private-model',
      token: HUB_TOKEN,
    })
    expect(hfPrivate.secrets.token).toMatchObject({ set: true, last4: HUB_TOKEN.slice(-4) })
    expect(JSON.stringify(hfPrivate)).not.toContain(HUB_TOKEN)
    const fm = await create('formant', { kind: 'formant', endpoint: formant.url, apiKey: FORMANT_API_KEY })
    const rb = await create('robot bridge', { kind: 'ros2_bridge', url: ros.url })
    const isaac = await create('nucleus', { kind: 'isaac_lab', url: `${head.url}/` })
    expect(hub.requests.length).toBe(0) // nothing was checked on the request path

    expect(await h.services.integrations.runChecks()).toBe(5)

    const a = await get(hf.id)
    expect(a.status).toBe('healthy')
    expect(a.lastCheck).toMatchObject({ status: 'healthy', reason: null, remediation: null })
    expect(a.lastCheck!.details).toEqual({
      kind: 'huggingface',
      modelId: 'org/public-model',
      sizeBytes: 4_001_200,
      lastModified: '2026-11-20T08:30:00.000Z',
      private: false,
    })
    expect((await get(hfPrivate.id)).lastCheck!.details).toMatchObject({ sizeBytes: 987654321, private: true })
    expect(hub.requests.find((r) => r.url === '/api/models/org/private-model')?.headers.authorization).toBe(
      `Bearer ${HUB_TOKEN}`,
    )
    expect((await get(fm.id)).lastCheck).toMatchObject({
      status: 'healthy',
      details: { kind: 'formant', httpStatus: 200 },
    })
    expect((await get(rb.id)).lastCheck).toMatchObject({
      status: 'healthy',
      details: { kind: 'ros2_bridge', topicCount: ROS_TOPICS.length, topics: ROS_TOPICS },
    })
    expect(head.requests.at(-1)?.method).toBe('HEAD')
    expect((await get(isaac.id)).status).toBe('healthy')

    const list = await json<{ items: ConnectorBody[] }>(await call('GET', '/connectors', viewer))
    expect(list.items.map((c) => [c.name, c.status])).toEqual([
      ['formant', 'healthy'],
      ['hub private', 'healthy'],
      ['hub public', 'healthy'],
      ['nucleus', 'healthy'],
      ['robot bridge', 'healthy'],
    ])
  })

  it('says what to do when a check fails: 401, 404, 429, a stopped server, a refused address', async () => {
    const noToken = await create('hub private, no token', {
      kind: 'huggingface',
      endpoint: hub.url,
      modelId: 'org/private-model',
    })
    const missing = await create('hub missing', { kind: 'huggingface', endpoint: hub.url, modelId: 'org/missing' })
    const busy = await create('hub busy', { kind: 'huggingface', endpoint: hub.url, modelId: 'org/busy' })
    const badKey = await create('formant bad key', {
      kind: 'formant',
      endpoint: formant.url,
      agentToken: 'fmt_wrong_token',
    })
    const noFormant = await create('formant wrong path', {
      kind: 'formant',
      endpoint: `${hub.url}/nothing`,
      apiKey: 'fmt_x1234',
    })
    const stopped = await startRosbridgeServer()
    const rb = await create('bridge that stops', { kind: 'ros2_bridge', url: stopped.url })
    await stopped.close()
    const isaac404 = await create('nucleus wrong path', { kind: 'isaac_lab', url: `${head.url}/nope` })
    const metadata = await create('metadata', { kind: 'isaac_lab', url: 'http://169.254.169.254/latest/meta-data/' })
    const privateNet = await create('private net', { kind: 'ros2_bridge', url: 'ws://10.1.2.3:9090' })
    await h.services.integrations.runChecks()

    expect((await get(noToken.id)).lastCheck).toMatchObject({
      status: 'unhealthy',
      reason: 'unauthorized',
      remediation: 'private model: set a token with read access',
    })
    expect((await get(missing.id)).lastCheck).toMatchObject({
      status: 'unhealthy',
      reason: 'not_found',
      remediation: `no model org/missing on ${hub.url}: check the id`,
    })
    expect((await get(busy.id)).lastCheck).toMatchObject({ status: 'degraded', reason: 'rate_limited' })
    expect((await get(badKey.id)).lastCheck).toMatchObject({
      status: 'unhealthy',
      reason: 'unauthorized',
      remediation: 'the agent token was refused: create a new one in Formant and set it here',
    })
    expect((await get(noFormant.id)).lastCheck).toMatchObject({ reason: 'not_found' })
    expect((await get(rb.id)).lastCheck).toMatchObject({ status: 'unhealthy', reason: 'unreachable' })
    expect((await get(isaac404.id)).lastCheck).toMatchObject({ status: 'unhealthy', reason: 'not_found' })
    expect((await get(metadata.id)).lastCheck).toMatchObject({
      status: 'unhealthy',
      reason: 'refused_by_guard',
      remediation:
        'the address 169.254.169.254 is cloud metadata; an admin can allow this host with TG_EGRESS_ALLOW_HOSTS',
    })
    expect((await get(privateNet.id)).lastCheck).toMatchObject({
      reason: 'refused_by_guard',
      remediation: 'the address 10.1.2.3 is private; an admin can allow this host with TG_EGRESS_ALLOW_HOSTS',
    })
  })

  it('tells a TLS failure and a bridge that never answers apart', async () => {
    const silent = new WebSocketServer({ host: '127.0.0.1', port: 0 })
    await new Promise<void>((r) => silent.once('listening', () => r()))
    const tls = await create('nucleus over https', { kind: 'isaac_lab', url: `https://127.0.0.1:${head.port}/` })
    const mute = await create('mute bridge', {
      kind: 'ros2_bridge',
      url: `ws://127.0.0.1:${(silent.address() as AddressInfo).port}`,
    })
    await h.services.integrations.runChecks()
    expect((await get(tls.id)).lastCheck).toMatchObject({ status: 'unhealthy', reason: 'tls' })
    expect((await get(mute.id)).lastCheck).toMatchObject({
      status: 'unhealthy',
      reason: 'timeout',
      message: `127.0.0.1:${(silent.address() as AddressInfo).port} did not answer within 2000 ms.`,
    })
    await new Promise<void>((r) => silent.close(() => r()))
  })

  it('keeps 1000 results per connector and none older than 30 days', async () => {
    const c = await create('hub history', { kind: 'huggingface', endpoint: hub.url, modelId: 'org/public-model' })
    await h.database.db.execute(sql`
      insert into connector_check_results (connector_id, status, message, checked_at)
      select ${c.id}, 'healthy', 'old', now() - (n || ' minutes')::interval from generate_series(1, 1005) n`)
    await h.database.db.execute(sql`
      insert into connector_check_results (connector_id, status, message, checked_at)
      values (${c.id}, 'healthy', 'ancient', now() - interval '31 days')`)
    await h.services.integrations.runChecks()
    const counted = (await h.database.db.execute(
      sql`select count(*)::int as n, count(*) filter (where message = 'ancient')::int as ancient
          from connector_check_results where connector_id = ${c.id}`,
    )) as unknown as { rows: Array<{ n: number; ancient: number }> }
    expect(counted.rows[0]).toEqual({ n: 1000, ancient: 0 })
    expect((await get(c.id)).lastCheck?.message).toBe('Model org/public-model found.')
  })

  it('refuses bad configurations with 422 naming the field, and names once', async () => {
    const both = await call('POST', '/connectors', admin, {
      name: 'f2',
      config: { kind: 'formant', apiKey: 'a1234', agentToken: 'b1234' },
    })
    expect(both.status).toBe(422)
    expect((await json<ErrorBody>(both)).error.details).toEqual({
      issues: [{ path: 'config.agentToken', message: 'Give either an API key or an agent token, not both.' }],
    })
    const omni = await call('POST', '/connectors', admin, {
      name: 'o',
      config: { kind: 'isaac_lab', url: 'omniverse://nucleus/Projects' },
    })
    expect(omni.status).toBe(422)
    expect(JSON.stringify(await json(omni))).toContain(
      "give the Nucleus server's HTTP address (for example http://nucleus.example:8080)",
    )
    const dup = await call('POST', '/connectors', admin, {
      name: 'formant',
      config: { kind: 'formant', apiKey: 'k1234' },
    })
    expect(dup.status).toBe(409)
    expect((await json<ErrorBody>(dup)).error.details).toEqual({ field: 'name' })
  })

  it('keeps a credential left out of a change, replaces or clears it, audited with its last 4 only', async () => {
    const c = await create('hub edit', {
      kind: 'huggingface',
      endpoint: hub.url,
      modelId: 'org/private-model',
      token: 'hf_firstToken_AAAA',
    })
    const keep = await call('PATCH', `/connectors/${c.id}`, admin, {
      config: { kind: 'huggingface', modelId: 'org/public-model' },
    })
    expect(keep.status).toBe(200)
    const kept = await json<ConnectorBody>(keep)
    expect(kept.secrets.token).toMatchObject({ set: true, last4: 'AAAA' })
    expect(kept.config.modelId).toBe('org/public-model')
    expect(kept.config.endpoint).toBe(hub.url)

    const replaced = await json<ConnectorBody>(
      await call('PATCH', `/connectors/${c.id}`, admin, {
        config: { kind: 'huggingface', token: 'hf_secondToken_BBBB' },
      }),
    )
    expect(replaced.secrets.token).toMatchObject({ set: true, last4: 'BBBB' })
    const cleared = await json<ConnectorBody>(
      await call('PATCH', `/connectors/${c.id}`, admin, { config: { kind: 'huggingface', token: null } }),
    )
    expect(cleared.secrets.token).toEqual({ set: false })

    const wrongKind = await call('PATCH', `/connectors/${c.id}`, admin, {
      config: { kind: 'formant', apiKey: 'x1234' },
    })
    expect(wrongKind.status).toBe(422)
    // Clearing Formant's only credential leaves it without one: refused, nothing changed.
    const f = await create('formant only key', { kind: 'formant', endpoint: formant.url, apiKey: FORMANT_API_KEY })
    const none = await call('PATCH', `/connectors/${f.id}`, admin, { config: { kind: 'formant', apiKey: null } })
    expect(none.status).toBe(422)
    expect((await get(f.id)).secrets.apiKey).toMatchObject({ set: true })
    const swap = await call('PATCH', `/connectors/${f.id}`, admin, {
      config: { kind: 'formant', apiKey: null, agentToken: FORMANT_AGENT_TOKEN },
    })
    expect(swap.status).toBe(200)
    expect((await json<ConnectorBody>(swap)).secrets).toMatchObject({
      apiKey: { set: false },
      agentToken: { set: true },
    })

    const entries = (await h.auditEntries()).filter((e) => e.body.resource.id === c.id)
    expect(entries.map((e) => e.body.action)).toEqual([
      'integrations.connector.created',
      'integrations.secret.set',
      'integrations.connector.updated',
      'integrations.secret.replaced',
      'integrations.secret.cleared',
    ])
    expect(entries.find((e) => e.body.action === 'integrations.secret.replaced')!.body.details).toEqual({
      field: 'token',
      last4: 'BBBB',
    })
  })

  it('lets viewers read and only admins change or check', async () => {
    const [c] = (await json<{ items: ConnectorBody[] }>(await call('GET', '/connectors', viewer))).items
    expect((await call('POST', `/connectors/${c!.id}/check`, viewer)).status).toBe(403)
    expect((await call('PATCH', `/connectors/${c!.id}`, viewer, { name: 'x' })).status).toBe(403)
    expect((await call('DELETE', `/connectors/${c!.id}`, viewer)).status).toBe(403)
    expect(
      (await call('POST', '/connectors', viewer, { name: 'v', config: { kind: 'ros2_bridge', url: ros.url } })).status,
    ).toBe(403)
  })

  it('queues an on-demand check (202, one at a time), records history and audits a change of status', async () => {
    const server = await startHubServer()
    const c = await create('hub that stops', { kind: 'huggingface', endpoint: server.url, modelId: 'org/public-model' })
    await h.services.integrations.runChecks()
    expect((await get(c.id)).status).toBe('healthy')
    await server.close()

    const first = await call('POST', `/connectors/${c.id}/check`, admin)
    expect(first.status).toBe(202)
    const job = await json<{ id: string; state: string; trigger: string }>(first)
    expect(job).toMatchObject({ state: 'queued', trigger: 'manual' })
    const second = await json<{ id: string }>(await call('POST', `/connectors/${c.id}/check`, admin))
    expect(second.id).toBe(job.id)
    await h.services.integrations.runChecks()

    const after = await get(c.id)
    expect(after.status).toBe('unhealthy')
    expect(after.lastCheck).toMatchObject({ reason: 'unreachable' })
    expect(after.lastCheck!.remediation).toMatch(/server is running/)

    const history = await json<{ items: Array<{ status: string; checkedAt: string }>; nextCursor: string | null }>(
      await call('GET', `/connectors/${c.id}/checks?limit=1`, viewer),
    )
    expect(history.items.map((i) => i.status)).toEqual(['unhealthy'])
    const older = await json<{ items: Array<{ status: string }>; nextCursor: string | null }>(
      await call('GET', `/connectors/${c.id}/checks?limit=1&cursor=${history.nextCursor}`, viewer),
    )
    expect(older).toMatchObject({ items: [{ status: 'healthy' }], nextCursor: null })
    const since = await json<{ items: unknown[] }>(
      await call('GET', `/connectors/${c.id}/checks?since=${encodeURIComponent(history.items[0]!.checkedAt)}`, viewer),
    )
    expect(since.items).toHaveLength(1)
    expect((await call('GET', `/connectors/${c.id}/checks?cursor=forged`, viewer)).status).toBe(422)

    const changes = (await h.auditEntries()).filter(
      (e) => e.body.resource.id === c.id && e.body.action === 'integrations.connector.status_changed',
    )
    expect(changes.map((e) => [e.body.details.previousStatus, e.body.details.status])).toEqual([
      ['unknown', 'healthy'],
      ['healthy', 'unhealthy'],
    ])
  })

  it('streams status changes to the console as server-sent events', async () => {
    const res = await h.request('GET', `${BASE}/events`, viewer)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let text = ''
    const readUntil = async (pattern: RegExp) => {
      const deadline = Date.now() + 10_000
      while (!pattern.test(text) && Date.now() < deadline) {
        const next = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), 500))])
        if (next && !next.done) text += decoder.decode(next.value, { stream: true })
      }
      return pattern.exec(text)
    }
    expect(await readUntil(/event: ready/)).toBeTruthy()
    const c = await create('hub streamed', { kind: 'huggingface', endpoint: hub.url, modelId: 'org/public-model' })
    await h.services.integrations.runChecks()
    const match = await readUntil(new RegExp(`event: connector\\ndata: (\\{[^\\n]*"connectorId":"${c.id}"[^\\n]*\\})`))
    await reader.cancel()
    expect(JSON.parse(match![1]!)).toMatchObject({
      type: 'connector',
      connectorId: c.id,
      status: 'healthy',
      reason: null,
    })
  })

  it('a check job whose worker died (lease over) is claimed again', async () => {
    const c = await create('hub lease', { kind: 'huggingface', endpoint: hub.url, modelId: 'org/public-model' })
    await h.database.db.execute(
      sql`update connector_checks set state = 'running', claimed_by = 'dead-worker', claim_expires_at = now() - interval '1 second' where connector_id = ${c.id}`,
    )
    await h.services.integrations.runChecks()
    expect((await get(c.id)).status).toBe('healthy')
  })

  it('schedules checks of enabled connectors when due, not of disabled ones', async () => {
    const on = await create('hub scheduled', { kind: 'huggingface', endpoint: hub.url, modelId: 'org/public-model' })
    const off = await json<ConnectorBody>(
      await call('POST', '/connectors', admin, {
        name: 'hub off',
        enabled: false,
        config: { kind: 'huggingface', endpoint: hub.url, modelId: 'org/public-model' },
      }),
    )
    await h.services.integrations.runChecks()
    const before = (await json<{ items: unknown[] }>(await call('GET', `/connectors/${on.id}/checks`, viewer))).items
      .length
    await h.database.db.execute(sql`update integration_connectors set next_check_at = now() - interval '1 second'`)
    await h.services.integrations.runChecks()
    const afterOn = (await json<{ items: unknown[] }>(await call('GET', `/connectors/${on.id}/checks`, viewer))).items
      .length
    expect(afterOn).toBe(before + 1)
    expect(
      (await json<{ items: unknown[] }>(await call('GET', `/connectors/${off.id}/checks`, viewer))).items,
    ).toHaveLength(0)
  })

  it('deletes a connector with its history', async () => {
    const c = await create('hub to delete', {
      kind: 'huggingface',
      endpoint: hub.url,
      modelId: 'org/public-model',
      token: 'hf_deleteMe_CCCC',
    })
    expect((await call('DELETE', `/connectors/${c.id}`, admin)).status).toBe(204)
    expect((await call('GET', `/connectors/${c.id}`, viewer)).status).toBe(404)
    const left = await h.database.db.execute(
      sql`select count(*)::int as n from integration_secrets where connector_id = ${c.id}`,
    )
    expect((left as unknown as { rows: Array<{ n: number }> }).rows[0]!.n).toBe(0)
  })

  it('never shows a credential: not in any response, not in the log, not in the audit trail', async () => {
    const secrets = [
      HUB_TOKEN,
      FORMANT_API_KEY,
      FORMANT_AGENT_TOKEN,
      'hf_firstToken_AAAA',
      'hf_secondToken_BBBB',
      'hf_deleteMe_CCCC',
    ]
    const audit = JSON.stringify(await h.auditEntries())
    const logs = h.logs.text()
    expect(seen.length).toBeGreaterThan(30)
    for (const s of secrets) {
      for (const body of seen) expect(body).not.toContain(s)
      expect(logs).not.toContain(s)
      expect(audit).not.toContain(s)
    }
    // The sealed values are in the database, as ciphertext.
    const stored = await h.database.db.execute(sql`select string_agg(sealed, '') as s from integration_secrets`)
    const text = (stored as unknown as { rows: Array<{ s: string }> }).rows[0]!.s
    expect(text.length).toBeGreaterThan(100)
    for (const s of secrets) expect(text).not.toContain(s)
  })
})
