import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, createPostgresDatabase } from '../../test/harness'
import type { Harness } from '../../test/harness'
import { SYSTEM_ACTOR } from '../audit/record'
import { parseAllowHosts } from './egress'
import { emit } from './emit'
import { startHubServer } from './test-servers'
import type { LocalServer } from './test-servers'

const CTX = { actor: SYSTEM_ACTOR, requestId: null, clientIp: null }
const integrations = {
  egress: { allowHosts: parseAllowHosts('127.0.0.1'), maxBytes: 1 << 20 },
  checkTimeoutMs: 3000,
}

/** Two BFF replicas on one PostgreSQL database share the queues: SKIP LOCKED, never the same row twice. */
describe('replicas on PostgreSQL', () => {
  let a: Harness
  let b: Harness
  let drop: () => Promise<void> = async () => undefined
  let skipped: string | null = null
  let hub: LocalServer

  beforeAll(async () => {
    const pg = await createPostgresDatabase()
    if ('skip' in pg) {
      skipped = pg.skip
      console.warn(`replicas on PostgreSQL skipped: ${pg.skip}`)
      return
    }
    drop = pg.drop
    a = await createHarness({ target: pg.target, integrations })
    b = await createHarness({ target: pg.target, integrations })
    hub = await startHubServer()
  })
  afterAll(async () => {
    if (!skipped) {
      await a.close()
      await b.close()
      await hub.close()
    }
    await drop()
  })

  it('deliver each queued delivery exactly once between them', async (t) => {
    if (skipped) return t.skip()
    const seen = new Map<string, number>()
    const receiver = createServer((req, res) => {
      const id = String(req.headers['webhook-id'])
      seen.set(id, (seen.get(id) ?? 0) + 1)
      req.resume()
      // A little latency, so that both replicas have deliveries in flight at once.
      req.on('end', () => setTimeout(() => res.writeHead(204).end(), 5))
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
    await a.services.integrations.createWebhook(CTX, { name: 'r', url, events: ['release.promoted'], enabled: true })
    const N = 200
    await a.database.db.transaction(async (tx) => {
      for (let i = 0; i < N; i++) await emit(tx, 'release.promoted', { n: i })
    })
    const [sentA, sentB] = await Promise.all([
      a.services.integrations.runDeliveries(),
      b.services.integrations.runDeliveries(),
    ])
    expect(sentA + sentB).toBe(N)
    expect(sentA).toBeGreaterThan(0)
    expect(sentB).toBeGreaterThan(0)
    expect(seen.size).toBe(N)
    expect([...seen.values()].every((n) => n === 1)).toBe(true)
    const rows = (await a.database.db.execute(
      sql`select count(*) filter (where status = 'succeeded')::int as ok, count(distinct message_id)::int as ids from webhook_deliveries`,
    )) as unknown as { rows: Array<{ ok: number; ids: number }> }
    expect(rows.rows[0]).toEqual({ ok: N, ids: N })
    await new Promise<void>((r) => receiver.close(() => r()))
  })

  it('run each queued check once between them', async (t) => {
    if (skipped) return t.skip()
    for (let i = 0; i < 12; i++)
      await a.services.integrations.createConnector(CTX, {
        name: `hub ${i}`,
        enabled: true,
        config: { kind: 'huggingface', endpoint: hub.url, modelId: 'org/public-model' },
      })
    const [ranA, ranB] = await Promise.all([a.services.integrations.runChecks(), b.services.integrations.runChecks()])
    expect(ranA + ranB).toBe(12)
    expect(hub.requests).toHaveLength(12)
    const results = (await a.database.db.execute(
      sql`select count(*)::int as n from connector_check_results`,
    )) as unknown as {
      rows: Array<{ n: number }>
    }
    expect(results.rows[0]!.n).toBe(12)
  })
})
