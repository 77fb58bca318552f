import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyAuditFile, verifyBundle } from '@tg/contracts/formats/audit'
import { makePackage, signing } from '../modules/tgsp/test-support'
import { createPostgresDatabase } from './harness'
import { openTestRedis } from './redis'
import { call, openEventStream, startReplica, until } from './replica-process'
import type { Credentials, Replica } from './replica-process'

// Two BFF processes, started as the README starts one, on one PostgreSQL database (and Redis
// when it answers) with one blob folder, observed through HTTP only.

const ADDRESS_LIMIT = 30
const PASSWORD = 'correct horse battery staple'
const DP = { noiseMultiplier: 1.1, clippingNorm: 1, sampleRate: 0.01, delta: 1e-5, epsilonBudget: 50 }

type AuditRow = { seq: number; action: string; resource: { type: string; id: string | null } }

describe('two replicas, proven', { timeout: 120_000 }, () => {
  let a: Replica
  let b: Replica
  let skipped: string | null = null
  let key: string
  let session: NonNullable<Credentials['session']>
  const cleanups: Array<() => Promise<unknown> | unknown> = []
  const webhookIds = new Map<string, number>()
  let hookUrl = ''
  let redisUsed: string | null = null

  beforeAll(async () => {
    const pg = await createPostgresDatabase()
    if ('skip' in pg) {
      skipped = pg.skip
      console.warn(`two replicas skipped: ${pg.skip}`)
      return
    }
    cleanups.push(pg.drop)
    if (pg.target.kind !== 'postgres') throw new Error('expected PostgreSQL')
    const redis = await openTestRedis()
    if ('skip' in redis)
      console.warn(`two replicas run without Redis (limits shared through PostgreSQL): ${redis.skip}`)
    else {
      redisUsed = redis.url
      cleanups.push(redis.drop)
    }
    const receiver = createServer((req, res) => {
      const id = String(req.headers['webhook-id'])
      webhookIds.set(id, (webhookIds.get(id) ?? 0) + 1)
      req.resume()
      req.on('end', () => res.writeHead(204).end())
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
    cleanups.push(() => new Promise((r) => receiver.close(r)))
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`

    const shared = {
      DATABASE_URL: pg.target.url,
      ...(redisUsed ? { REDIS_URL: redisUsed } : {}),
      TG_SESSION_SECRET: 'replica-session-secret-0123456789abcdef',
      TG_KEY_MASTER: 'replica-key-master-0123456789abcdef-012345',
      TG_BLOB_DIR: mkdtempSync(join(tmpdir(), 'tg-replica-blobs-')),
      TG_WEB_DIST: mkdtempSync(join(tmpdir(), 'tg-replica-web-')),
      TG_TRUST_PROXY: 'true',
      TG_RATE_LIMIT_ADDRESS: String(ADDRESS_LIMIT),
      TG_AUDIT_CHECKPOINT_EVERY: '10',
      TG_EGRESS_ALLOW_HOSTS: '127.0.0.1',
      TG_INTEGRATION_POLL_MS: '100',
      TG_SHUTDOWN_TIMEOUT_MS: '2000',
    }
    const own = (name: string) => ({ ...shared, TG_DATA_DIR: mkdtempSync(join(tmpdir(), `tg-replica-${name}-`)) })
    ;[a, b] = await Promise.all([startReplica('A', own('a')), startReplica('B', own('b'))])
    cleanups.unshift(() => Promise.all([a, b].map((r) => r.child.exitCode === null && r.child.kill('SIGKILL'))))
    // Both printed a setup link (no user yet); either one's token works on the shared database.
    const [, setupUrl] = await a.waitFor(/"setupUrl":"([^"]+)"/)
    const setup = await call(a, 'POST', '/api/v1/auth/setup', {
      body: {
        token: new URL(setupUrl!).hash.replace('#token=', ''),
        username: 'ada',
        displayName: 'Ada',
        password: PASSWORD,
      },
    })
    expect(setup.status, await setup.clone().text()).toBe(201)
    session = {
      cookie: /tg_session=([^;]+)/.exec(setup.headers.get('set-cookie') ?? '')![1]!,
      csrf: ((await setup.json()) as { csrfToken: string }).csrfToken,
    }
    const created = await call(b, 'POST', '/api/v1/admin/api-keys', {
      session,
      body: { name: 'replica machine', roles: ['admin', 'operator', 'publisher', 'release-manager'] },
    })
    expect(created.status, await created.clone().text()).toBe(201)
    key = ((await created.json()) as { secret: string }).secret
  }, 90_000)

  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup()
  })

  const fleet = (replica: Replica, name: string) =>
    call(replica, 'POST', '/api/v1/tgsp/fleets', { bearer: key, body: { name } })

  /** The whole log as one bundle, after a checkpoint; verified as `tgctl audit verify` does. */
  async function verifiedLog(through: Replica) {
    const cut = await call(through, 'POST', '/api/v1/audit/checkpoints', { bearer: key, body: {} })
    expect([200, 201]).toContain(cut.status)
    const res = await call(through, 'GET', '/api/v1/audit/export', { bearer: key })
    expect(res.status).toBe(200)
    const bundle = (await res.json()) as { entries: Array<{ seq: number; canonical: string }>; checkpoints: unknown[] }
    const result = await verifyBundle(bundle)
    expect(result).toMatchObject({ ok: true })
    const rows = bundle.entries.map((e) => ({ seq: e.seq, ...(JSON.parse(e.canonical) as Omit<AuditRow, 'seq'>) }))
    return { rows, checkpoints: bundle.checkpoints.length, summary: result.ok ? result.summary : null }
  }

  it('serves a session made on one from the other', async (t) => {
    if (skipped) return t.skip()
    const res = await call(b, 'GET', '/api/v1/auth/session', { session })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ user: { username: 'ada' } })
    for (const r of [a, b]) {
      const ready = (await (await call(r, 'GET', '/readyz')).json()) as { checks: Record<string, string> }
      expect(ready.checks.redis).toBe(redisUsed ? 'ok' : undefined)
    }
  })

  it('verifies, releases and serves through one a package uploaded through the other', async (t) => {
    if (skipped) return t.skip()
    const publisher = await call(a, 'POST', '/api/v1/tgsp/publishers', {
      bearer: key,
      body: { name: 'Replica ML', classic: signing.publicKey.classic, pqc: signing.publicKey.pqc },
    })
    expect(publisher.status).toBe(201)
    const bytes = makePackage(4096)
    const uploaded = await call(a, 'POST', '/api/v1/tgsp/packages', { bearer: key, raw: bytes })
    expect(uploaded.status, await uploaded.clone().text()).toBe(201)
    const pkg = (await uploaded.json()) as { id: string }
    const seen = (await (await call(b, 'GET', `/api/v1/tgsp/packages/${pkg.id}`, { bearer: key })).json()) as {
      status: string
      checks: Record<string, { ok: boolean }>
    }
    expect(seen.status).toBe('verified')
    expect(Object.values(seen.checks).every((c) => c.ok)).toBe(true)
    const edge = (await (await fleet(b, 'edge-replicas')).json()) as { id: string }
    const release = await call(b, 'POST', '/api/v1/tgsp/releases', {
      bearer: key,
      body: { packageId: pkg.id, fleetId: edge.id, channel: 'stable', notes: 'through B' },
    })
    expect(release.status, await release.clone().text()).toBe(201)
    const download = await call(b, 'GET', `/api/v1/tgsp/packages/${pkg.id}/download`, { bearer: key })
    expect(download.status).toBe(200)
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes)
  })

  it('writes one audit log from concurrent writes through both, whose checkpoints and proofs verify', async (t) => {
    if (skipped) return t.skip()
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => fleet(i % 2 ? b : a, `concurrent-${i}`).then((r) => r.json())),
    )
    const ids = (answers as Array<{ id: string }>).map((f) => f.id)
    expect(new Set(ids).size).toBe(30)
    const log = await verifiedLog(b)
    const created = log.rows.filter((r) => r.action === 'tgsp.fleet_created').map((r) => r.resource.id)
    expect(created).toEqual(expect.arrayContaining(ids))
    expect(log.rows.map((r) => r.seq)).toEqual(log.rows.map((_, i) => i))
    // The checkpoints cut along the way (every 10 entries, by whichever replica) and the last one.
    expect(log.checkpoints).toBeGreaterThanOrEqual(2)
    // One entry's offline proof from each replica, for an entry written through the other.
    for (const [through, id] of [
      [a, ids[1]],
      [b, ids[0]],
    ] as const) {
      const seq = log.rows.find((r) => r.resource.id === id)!.seq
      const proof = await (await call(through, 'GET', `/api/v1/audit/entries/${seq}/proof`, { bearer: key })).json()
      expect(await verifyAuditFile(proof)).toMatchObject({ ok: true, kind: 'entry' })
    }
  })

  it('brings a live event caused on one to a client of the other', async (t) => {
    if (skipped) return t.skip()
    const stream = await openEventStream(b, '/api/v1/training/events', key)
    try {
      await stream.waitFor('ready', (e) => e.event === 'ready')
      const res = await call(a, 'POST', '/api/v1/training/runs', {
        bearer: key,
        body: { name: 'replicated', baseModel: 'm', adapter: {}, plannedRounds: 5, stepsPerRound: 10, dp: DP },
      })
      expect(res.status, await res.clone().text()).toBe(201)
      const run = (await res.json()) as { id: string }
      const round = await call(a, 'POST', `/api/v1/training/runs/${run.id}/rounds`, {
        bearer: key,
        body: {
          index: 0,
          clients: 8,
          steps: 10,
          sampleRate: DP.sampleRate,
          noiseMultiplier: DP.noiseMultiplier,
          clippingNorm: 1,
          metrics: { loss: 2 },
          startedAt: '2026-11-30T10:00:00.000Z',
          endedAt: '2026-11-30T10:05:00.000Z',
        },
      })
      expect(round.status, await round.clone().text()).toBe(201)
      const event = await stream.waitFor('the round', (e) => e.event === 'round')
      expect(event.data).toMatchObject({ type: 'round', runId: run.id, index: 0 })
    } finally {
      await stream.close()
    }
  })

  it('counts a rate limit across both', async (t) => {
    if (skipped) return t.skip()
    const from = { 'x-forwarded-for': '198.51.100.77' }
    const statuses: number[] = []
    for (let i = 0; i < ADDRESS_LIMIT; i++)
      statuses.push((await call(i % 2 ? b : a, 'GET', '/api/v1/system/health', { headers: from })).status)
    expect(statuses.every((s) => s === 401)).toBe(true)
    for (const replica of [a, b]) {
      const res = await call(replica, 'GET', '/api/v1/system/health', { headers: from })
      expect(res.status).toBe(429)
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED')
    }
  })

  it('delivers each webhook message once, not once per replica', async (t) => {
    if (skipped) return t.skip()
    const res = await call(a, 'POST', '/api/v1/integrations/webhooks', {
      session,
      body: { name: 'replicas', url: hookUrl, events: ['webhook.test'] },
    })
    expect(res.status, await res.clone().text()).toBe(201)
    const { webhook } = (await res.json()) as { webhook: { id: string } }
    const messageIds: string[] = []
    for (let i = 0; i < 10; i++) {
      const sent = await call(i % 2 ? b : a, 'POST', `/api/v1/integrations/webhooks/${webhook.id}/test`, {
        bearer: key,
        body: {},
      })
      expect(sent.status).toBe(202)
      messageIds.push(((await sent.json()) as { messageId: string }).messageId)
    }
    type Page = { items: Array<{ messageId: string; status: string; attempts: number }> }
    let page: Page = { items: [] }
    await until('every delivery to succeed', async () => {
      page = (await (
        await call(b, 'GET', `/api/v1/integrations/webhooks/${webhook.id}/deliveries?limit=50`, { bearer: key })
      ).json()) as Page
      return page.items.length === 10 && page.items.every((d) => d.status === 'succeeded')
    })
    expect(page.items.map((d) => d.attempts)).toEqual(Array<number>(10).fill(1))
    expect(messageIds.map((id) => webhookIds.get(id))).toEqual(Array<number>(10).fill(1))
  })

  it('loses nothing answered 2xx when one replica is killed mid-burst', async (t) => {
    if (skipped) return t.skip()
    const answered: string[] = []
    let answeredByB = 0
    const burst = Array.from({ length: 40 }, async (_, i) => {
      const replica = i % 2 ? b : a
      try {
        const res = await fleet(replica, `burst-${i}`)
        if (res.status !== 201) return
        answered.push(((await res.json()) as { id: string }).id)
        if (replica === b && ++answeredByB === 5) b.child.kill('SIGKILL')
      } catch {
        // The killed replica's connections fail: those requests were not answered.
      }
    })
    await Promise.all(burst)
    expect(await b.exited).toBe(-1)
    expect(answeredByB).toBeGreaterThanOrEqual(5)
    expect(answered.length).toBeGreaterThanOrEqual(25)
    const log = await verifiedLog(a)
    const created = new Set(log.rows.filter((r) => r.action === 'tgsp.fleet_created').map((r) => r.resource.id))
    expect(answered.filter((id) => !created.has(id))).toEqual([])
  })
})
