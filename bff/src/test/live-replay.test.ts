import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { createHarness, createPostgresDatabase, json } from './harness'
import type { Caller, ErrorBody, Harness } from './harness'
import { openForBlock, openPglite, type Open } from './databases'

type SseEvent = { id: string | null; event: string | null; data: unknown }

/** An open event stream read block by block; `take(n)` waits for the next n events that carry data. */
function sseReader(res: Response) {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  const ready: SseEvent[] = []
  /** The newest id seen, also from id-only blocks: what EventSource would send as Last-Event-ID. */
  let lastId: string | null = null
  let pending: ReturnType<typeof reader.read> | null = null
  const parseBlocks = () => {
    let end: number
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const id = /^id: ?(.*)$/m.exec(block)?.[1] ?? null
      if (id !== null) lastId = id
      const data = /^data: ?(.*)$/m.exec(block)?.[1]
      if (data !== undefined)
        ready.push({ id, event: /^event: ?(.*)$/m.exec(block)?.[1] ?? null, data: JSON.parse(data) as unknown })
    }
  }
  return {
    get lastId() {
      return lastId
    },
    async take(count: number, timeoutMs = 10_000): Promise<SseEvent[]> {
      const deadline = Date.now() + timeoutMs
      while (ready.length < count && Date.now() < deadline) {
        // A read that timed out stays pending and is awaited next time: its chunk must not be lost.
        pending ??= reader.read()
        const next = await Promise.race([
          pending,
          new Promise<null>((resolve) => setTimeout(() => resolve(null), Math.max(0, deadline - Date.now()))),
        ])
        if (!next) break
        pending = null
        if (next.done) break
        buffer += decoder.decode(next.value, { stream: true })
        parseBlocks()
      }
      return ready.splice(0, count)
    },
    /** Drops the connection, as a network cut does. */
    cut: () => reader.cancel(),
  }
}

const runBody = (name: string) => ({
  name,
  baseModel: 'llama-3-8b',
  adapter: { method: 'lora', rank: 16, alpha: 32, targetModules: ['q_proj'] },
  plannedRounds: 5,
  stepsPerRound: 100,
  dp: { noiseMultiplier: 1.1, clippingNorm: 1, sampleRate: 0.01, delta: 1e-5, epsilonBudget: 3 },
})

function suite(name: string, open: Open) {
  describe(`live streams resume after a cut (${name})`, () => {
    let h: Harness
    let operator: Caller
    let viewer: string

    const createRun = async (runName: string) => {
      const res = await h.request('POST', '/api/v1/training/runs', { ...operator, body: runBody(runName) })
      expect(res.status).toBe(201)
      return (await json<{ id: string }>(res)).id
    }
    const openStream = async (lastEventId?: string, query = '') => {
      const headers: Record<string, string> = lastEventId === undefined ? {} : { 'last-event-id': lastEventId }
      const res = await h.request('GET', `/api/v1/training/events${query}`, { bearer: viewer, headers })
      expect(res.status).toBe(200)
      return sseReader(res)
    }

    const block = openForBlock(`${name}`, open, async (opened) => {
      ;({ h } = opened)
      operator = await h.userSession('otto', ['operator'])
      viewer = await h.apiKey(['viewer'], 'watcher')
    })

    it('replays exactly the events missed while cut off: no gap, no duplicate, then live again', async (t) => {
      if (block.skipped) return t.skip()
      const first = await openStream()
      const [ready] = await first.take(1)
      expect(ready).toMatchObject({ event: 'ready' })
      expect(ready?.id).toMatch(/^\d+-\d+$/)
      const before = await createRun('before-cut')
      const [seen] = await first.take(1)
      expect(seen).toMatchObject({ event: 'run', data: { type: 'run', runId: before, state: 'created' } })
      await first.cut()

      const missed = [await createRun('missed-1'), await createRun('missed-2'), await createRun('missed-3')]
      const again = await openStream(seen?.id ?? undefined)
      const replayed = await again.take(4)
      expect(replayed[0]).toMatchObject({ event: 'ready', id: seen?.id })
      expect(replayed.slice(1).map((e) => (e.data as { runId: string }).runId)).toEqual(missed)
      const ids = replayed.slice(1).map((e) => e.id as string)
      expect(new Set([seen?.id, ...ids]).size).toBe(4)

      const after = await createRun('after-reconnect')
      const [live] = await again.take(1)
      expect(live).toMatchObject({ event: 'run', data: { runId: after } })
      // Nothing else was sent: no duplicate of a replayed event.
      expect(await again.take(1, 300)).toEqual([])
      await again.cut()
    })

    it('moves a filtered stream past other runs\u2019 events, and replays only its run\u2019s', async (t) => {
      if (block.skipped) return t.skip()
      const mine = await createRun('mine')
      const stream = await openStream(undefined, `?runId=${mine}`)
      await stream.take(1)
      const other = await createRun('other')
      await h.request('POST', `/api/v1/training/runs/${other}/stop`, { ...operator, body: {} })
      await h.request('POST', `/api/v1/training/runs/${mine}/stop`, { ...operator, body: {} })
      const [stopped] = await stream.take(1)
      expect(stopped).toMatchObject({ data: { runId: mine, state: 'stopped' } })
      await stream.cut()
      await h.request('POST', `/api/v1/training/runs/${other}/fail`, { ...operator, body: { reason: 'x' } })
      const resumed = await openStream(stream.lastId ?? undefined, `?runId=${mine}`)
      const [readyAgain] = await resumed.take(1)
      expect(readyAgain?.event).toBe('ready')
      expect(await resumed.take(1, 300)).toEqual([])
      await resumed.cut()
    })

    it('sends a reload signal for an id older than the log keeps, or unknown, then streams live', async (t) => {
      if (block.skipped) return t.skip()
      const stream = await openStream()
      await createRun('old')
      const [, old] = await stream.take(2)
      await stream.cut()
      await createRun('pruned')
      // Everything up to now is pruned, as the retention timer does for events older than the retention.
      expect(await h.services.events.prune(new Date(Date.now() + 60_000))).toBeGreaterThanOrEqual(2)

      const late = await openStream(old?.id ?? undefined)
      const [ready, reload] = await late.take(2)
      expect(ready?.event).toBe('ready')
      expect(reload).toMatchObject({ event: 'reload', data: { reason: 'too_old' } })
      const fresh = await createRun('fresh')
      expect((await late.take(1))[0]).toMatchObject({ event: 'run', data: { runId: fresh } })
      await late.cut()

      const unknown = await openStream('99999999999-99999999999')
      expect((await unknown.take(2))[1]).toMatchObject({ event: 'reload', data: { reason: 'unknown' } })
      await unknown.cut()
      const garbage = await openStream('not-an-id')
      expect((await garbage.take(2))[1]).toMatchObject({ event: 'reload', data: { reason: 'unknown' } })
      await garbage.cut()
    })

    it('resumes the audit stream from a tree size: one entries event covers every entry missed', async (t) => {
      if (block.skipped) return t.skip()
      const auditor = await h.apiKey(['auditor'], 'audit-watcher')
      await h.services.audit.drain()
      const open = async (lastEventId?: string) => {
        const headers: Record<string, string> = lastEventId === undefined ? {} : { 'last-event-id': lastEventId }
        const res = await h.request('GET', '/api/v1/audit/events', { bearer: auditor, headers })
        expect(res.status).toBe(200)
        return sseReader(res)
      }
      const first = await open()
      const [ready] = await first.take(1)
      const size = Number(ready?.id)
      await createRun('audited-1')
      await h.services.audit.drain()
      const [live] = await first.take(1)
      expect(live).toMatchObject({ event: 'entries', data: { fromSeq: size } })
      await first.cut()
      const seen = (live?.data as { toSeq: number }).toSeq
      await createRun('audited-2')
      await createRun('audited-3')
      await h.services.audit.drain()
      const entries = await json<{ items: Array<{ seq: number }> }>(
        await h.request('GET', '/api/v1/audit/entries?limit=1', { bearer: auditor }),
      )
      const newest = entries.items[0]?.seq ?? -1
      const again = await open(live?.id ?? undefined)
      const [, missed] = await again.take(2)
      expect(missed).toMatchObject({
        event: 'entries',
        id: String(newest + 1),
        data: { fromSeq: seen + 1, toSeq: newest },
      })
      expect(await again.take(1, 300)).toEqual([])
      await again.cut()
      const beyond = await open(String(newest + 1000))
      expect((await beyond.take(2))[1]).toMatchObject({ event: 'reload', data: { reason: 'unknown' } })
      await beyond.cut()
      expect((await h.request('GET', '/api/v1/audit/events', { bearer: viewer })).status).toBe(403)
    })

    it('refuses a malformed lastEventId query with 422', async (t) => {
      if (block.skipped) return t.skip()
      const res = await h.request('GET', '/api/v1/training/events?lastEventId=abc', { bearer: viewer })
      expect(res.status).toBe(422)
      expect((await json<ErrorBody>(res)).error.code).toBe('VALIDATION_FAILED')
    })
  })
}

suite('embedded PGlite', openPglite())

describe('live event order on PostgreSQL', () => {
  it('never hands out an event before one of an older transaction that commits later; ids resume on another replica', async (t) => {
    const db = await createPostgresDatabase()
    if ('skip' in db) return t.skip()
    const h = await createHarness({ target: db.target })
    const url = (db.target as { url: string }).url
    const slow = new pg.Client({ connectionString: url })
    await slow.connect()
    try {
      const viewer = await h.apiKey(['viewer'], 'watcher')
      const res = await h.request('GET', '/api/v1/integrations/events', { bearer: viewer })
      const stream = sseReader(res)
      await stream.take(1)
      // An older transaction takes its id and its event first, and commits last.
      await slow.query('begin')
      await slow.query(`select pg_current_xact_id()`)
      await slow.query(
        `insert into live_events (channel, payload) values ('tg_integrations', '{"type":"connector","connectorId":"00000000-0000-4000-8000-000000000001","status":"down"}')`,
      )
      await h.database.db.transaction((tx) =>
        h.services.events.append(tx, 'tg_integrations', {
          type: 'connector',
          connectorId: '00000000-0000-4000-8000-000000000002',
          status: 'up',
        }),
      )
      // The newer event waits for the older transaction: handing it out first would let a console
      // that reconnects after it skip the older one for ever.
      expect(await stream.take(1, 500)).toEqual([])
      await slow.query(`select pg_notify('tg_integrations', '')`)
      await slow.query('commit')
      const events = await stream.take(2)
      expect(events.map((e) => (e.data as { connectorId: string }).connectorId)).toEqual([
        '00000000-0000-4000-8000-000000000001',
        '00000000-0000-4000-8000-000000000002',
      ])
      // The ids come from the database: another replica resumes from one this replica sent.
      const lastId = events[1]?.id ?? ''
      await stream.cut()
      await h.database.db.transaction((tx) =>
        h.services.events.append(tx, 'tg_integrations', {
          type: 'connector',
          connectorId: '00000000-0000-4000-8000-000000000003',
          status: 'up',
        }),
      )
      const other = await createHarness({ target: db.target, initializeAudit: false })
      try {
        const elsewhere = await other.request('GET', '/api/v1/integrations/events', {
          bearer: await other.apiKey(['viewer'], 'watcher-2'),
          headers: { 'last-event-id': lastId },
        })
        const resumed = sseReader(elsewhere)
        const [ready, missed] = await resumed.take(2)
        expect(ready).toMatchObject({ event: 'ready', id: lastId })
        expect(missed).toMatchObject({ data: { connectorId: '00000000-0000-4000-8000-000000000003' } })
        expect(await resumed.take(1, 300)).toEqual([])
        await resumed.cut()
      } finally {
        await other.close()
      }
    } finally {
      await slow.end()
      await h.close()
      await db.drop()
    }
  })
})
