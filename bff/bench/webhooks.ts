/**
 * `pnpm bench` (webhooks part): BENCH_WEBHOOK_DELIVERIES (default 1000) events queued by `emit`
 * inside their producers' transactions, then delivered, signed, through the egress guard, to a
 * local receiver. Prints deliveries per second, and what `emit` adds to the transaction of the
 * request that causes the event (median and p95 of the call, against the same transaction without it).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sql } from 'drizzle-orm'
import type { DatabaseTarget } from '../src/db/client'
import { recordAuditEvent, SYSTEM_ACTOR } from '../src/modules/audit/record'
import { parseAllowHosts } from '../src/modules/integrations/egress'
import { emit } from '../src/modules/integrations/emit'
import { createHarness, createPostgresDatabase } from '../src/test/harness'

const COUNT = Number(process.env.BENCH_WEBHOOK_DELIVERIES ?? 1000)
const CTX = { actor: SYSTEM_ACTOR, requestId: null, clientIp: null }

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0
}

async function benchOn(label: string, target: DatabaseTarget | undefined) {
  let received = 0
  const receiver = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      received++
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
  const h = await createHarness({
    target,
    integrations: { egress: { allowHosts: parseAllowHosts('127.0.0.1'), maxBytes: 1 << 20 } },
  })
  try {
    await h.services.integrations.createWebhook(CTX, {
      name: 'bench',
      url,
      events: ['release.promoted'],
      enabled: true,
    })
    // A producer's transaction (an audit record, as every change writes), with and without emit.
    const change = (withEmit: boolean) =>
      h.database.db.transaction(async (tx) => {
        await recordAuditEvent(tx, CTX, { action: 'bench.change', resourceType: 'bench', outcome: 'success' })
        if (!withEmit) return 0
        const t = performance.now()
        await emit(tx, 'release.promoted', { id: crypto.randomUUID(), channel: 'stable' })
        return performance.now() - t
      })
    const plain: number[] = []
    const withEmit: number[] = []
    const emitOnly: number[] = []
    for (let i = 0; i < COUNT; i++) {
      let t = performance.now()
      await change(false)
      plain.push(performance.now() - t)
      t = performance.now()
      emitOnly.push(await change(true))
      withEmit.push(performance.now() - t)
    }
    const started = performance.now()
    await h.services.integrations.runDeliveries()
    const seconds = (performance.now() - started) / 1000
    const [row] = (
      (await h.database.db.execute(
        sql`select count(*) filter (where status = 'succeeded')::int as ok, count(*)::int as n from webhook_deliveries`,
      )) as unknown as { rows: Array<{ ok: number; n: number }> }
    ).rows
    console.log(
      `  ${label}: ${row?.ok}/${row?.n} delivered (receiver saw ${received}) in ${seconds.toFixed(2)} s: ${((row?.ok ?? 0) / seconds).toFixed(0)} deliveries/s`,
    )
    console.log(
      `  ${label}: emit() in the producer's transaction: median ${quantile(emitOnly, 0.5).toFixed(2)} ms, p95 ${quantile(emitOnly, 0.95).toFixed(2)} ms; ` +
        `the whole transaction ${quantile(plain, 0.5).toFixed(2)} -> ${quantile(withEmit, 0.5).toFixed(2)} ms (median)`,
    )
  } finally {
    await h.close()
    await new Promise<void>((r) => receiver.close(() => r()))
  }
}

export async function runWebhooksBench() {
  console.log(`\nwebhooks: ${COUNT} events, one subscription, signed deliveries to a local receiver`)
  await benchOn('PGlite', undefined)
  const pg = await createPostgresDatabase()
  if ('skip' in pg) {
    console.log(`  PostgreSQL skipped: ${pg.skip}`)
    return
  }
  try {
    await benchOn('PostgreSQL', pg.target)
  } finally {
    await pg.drop()
  }
}
