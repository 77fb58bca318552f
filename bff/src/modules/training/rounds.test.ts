// Round metrics limits, paged rounds, the charts' series and the ledger's agreement with the
// reference accountant, on PGlite and PostgreSQL.
import { eq } from 'drizzle-orm'
import { RdpAccountant } from '@tg/contracts/privacy'
import { describe, expect, it } from 'vitest'
import { trainingRounds, trainingRuns } from '../../db/schema'
import { json } from '../../test/harness'
import type { ErrorBody, Harness } from '../../test/harness'
import { forEachDatabase, openForBlock, type Open } from '../../test/databases'

type Round = { index: number; epsilonAfter: number; metrics: Record<string, number> }
type Page = { items: Round[]; gaps: Array<{ from: number; to: number }>; nextCursor: string | null }
type Series = {
  stride: number
  points: Array<{ index: number; epsilonAfter: number; loss: number | null; clients: number }>
  projection: Array<[number, number]>
}
type RunBody = { id: string; epsilonSpent: number; projectedEpsilon: number | null }

const DP = { noiseMultiplier: 1.1, clippingNorm: 1, sampleRate: 0.01, delta: 1e-5, epsilonBudget: 50 }
const round = (index: number, overrides: Record<string, unknown> = {}) => ({
  index,
  clients: 8,
  steps: 10,
  sampleRate: DP.sampleRate,
  noiseMultiplier: DP.noiseMultiplier,
  clippingNorm: 1,
  metrics: { loss: 2 - index * 0.01 },
  startedAt: '2026-11-30T10:00:00.000Z',
  endedAt: '2026-11-30T10:05:00.000Z',
  ...overrides,
})
/** Round i with a setting of its own, all legal for DP. */
const varied = (index: number) =>
  round(index, { sampleRate: DP.sampleRate * (1 - index / 1000), noiseMultiplier: DP.noiseMultiplier + index / 100 })

function suite(name: string, open: Open) {
  describe(name, () => {
    let h: Harness
    let operator: string
    let viewer: string

    const createRun = async (plannedRounds = 40) => {
      const res = await h.request('POST', '/api/v1/training/runs', {
        bearer: operator,
        body: { name: 'paged', baseModel: 'm', adapter: {}, plannedRounds, stepsPerRound: 10, dp: DP },
      })
      expect(res.status).toBe(201)
      return json<RunBody>(res)
    }
    const report = (runId: string, body: unknown) =>
      h.request('POST', `/api/v1/training/runs/${runId}/rounds`, { bearer: operator, body })
    const get = async <T>(path: string) => {
      const res = await h.request('GET', path, { bearer: viewer })
      expect(res.status, await res.clone().text()).toBe(200)
      return json<T>(res)
    }

    const block = openForBlock(`${name}`, open, async (opened) => {
      ;({ h } = opened)
      operator = await h.apiKey(['operator'])
      viewer = await h.apiKey(['viewer'])
    })

    it('refuses round metrics past their limits with 422 naming the limit', async (t) => {
      if (block.skipped) return t.skip()
      const run = await createRun()
      const many = Object.fromEntries(Array.from({ length: 45_000 }, (_, i) => [`metric_${i}`, i]))
      const cases: Array<[Record<string, unknown>, string]> = [
        [many, 'At most 64 metrics'],
        [Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`m${i}`, i])), 'At most 64 metrics'],
        [{ ['k'.repeat(65)]: 1 }, 'Metric names are 1 to 64 characters'],
        [{ 'bad\u0000key': 1 }, 'NUL characters (U+0000) are not allowed'],
        [{ 'with space': 1 }, 'Metric names are 1 to 64 characters'],
        [{ f1: '0.5' }, ''],
      ]
      for (const [metrics, message] of cases) {
        const res = await report(run.id, round(0, { metrics }))
        expect(res.status).toBe(422)
        const body = await json<ErrorBody>(res)
        expect(body.error.code).toBe('VALIDATION_FAILED')
        expect(JSON.stringify(body.error)).toContain(message)
      }
      const fine = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`eval/m_${i}`, i / 7]))
      expect((await report(run.id, round(0, { metrics: fine }))).status).toBe(201)
      const page = await get<Page>(`/api/v1/training/runs/${run.id}/rounds`)
      expect(Object.keys(page.items[0]!.metrics)).toHaveLength(64)
    })

    it('pages the rounds by cursor in both orders, with the gaps each page covers', async (t) => {
      if (block.skipped) return t.skip()
      const run = await createRun()
      // Reported: 2..6, 9..13 (gaps 0-1 and 7-8).
      for (const index of [2, 3, 4, 5, 6, 9, 10, 11, 12, 13])
        expect((await report(run.id, round(index))).status).toBe(201)
      const base = `/api/v1/training/runs/${run.id}/rounds`
      const first = await get<Page>(`${base}?limit=4`)
      expect(first.items.map((r) => r.index)).toEqual([2, 3, 4, 5])
      expect(first.gaps).toEqual([{ from: 0, to: 1 }])
      const second = await get<Page>(`${base}?limit=4&cursor=${first.nextCursor}`)
      expect(second.items.map((r) => r.index)).toEqual([6, 9, 10, 11])
      expect(second.gaps).toEqual([{ from: 7, to: 8 }])
      const third = await get<Page>(`${base}?limit=4&cursor=${second.nextCursor}`)
      expect(third).toMatchObject({ gaps: [], nextCursor: null })
      expect(third.items.map((r) => r.index)).toEqual([12, 13])

      const newest = await get<Page>(`${base}?order=desc&limit=6`)
      expect(newest.items.map((r) => r.index)).toEqual([13, 12, 11, 10, 9, 6])
      expect(newest.gaps).toEqual([{ from: 7, to: 8 }])
      const oldest = await get<Page>(`${base}?order=desc&limit=6&cursor=${newest.nextCursor}`)
      expect(oldest.items.map((r) => r.index)).toEqual([5, 4, 3, 2])
      expect(oldest).toMatchObject({ gaps: [{ from: 0, to: 1 }], nextCursor: null })
      const all = [...first.items, ...second.items, ...third.items]
      for (const r of newest.items) expect(r.epsilonAfter).toBe(all.find((a) => a.index === r.index)!.epsilonAfter)
    })

    it('answers 422, never 500, for a forged cursor or a limit out of bounds', async (t) => {
      if (block.skipped) return t.skip()
      const run = await createRun()
      const base = `/api/v1/training/runs/${run.id}/rounds`
      const forged = ['eyJpZCI6MX0', 'x'.repeat(65), '%00', Buffer.from('round:-5').toString('base64url'), '!!']
      for (const query of [...forged.map((c) => `cursor=${c}`), 'limit=0', 'limit=501', 'order=sideways']) {
        const res = await h.request('GET', `${base}?${query}`, { bearer: viewer })
        expect(res.status, query).toBe(422)
        expect((await json<ErrorBody>(res)).error.code).toBe('VALIDATION_FAILED')
      }
      expect((await h.request('GET', `${base}/series?points=1`, { bearer: viewer })).status).toBe(422)
    })

    it('samples a bounded series for the charts, with the projection to the planned rounds', async (t) => {
      if (block.skipped) return t.skip()
      const run = await createRun(40)
      for (let index = 0; index < 25; index++)
        if (index !== 7) expect((await report(run.id, round(index))).status).toBe(201)
      const series = await get<Series>(`/api/v1/training/runs/${run.id}/rounds/series?points=5`)
      // 25 indices in at most 5 points: every 7th (0, 7, 14, 21) and the latest, 24; 7 was not reported.
      expect(series.stride).toBe(7)
      expect(series.points.map((p) => p.index)).toEqual([0, 14, 21, 24])
      const page = await get<Page>(`/api/v1/training/runs/${run.id}/rounds?limit=100`)
      for (const point of series.points)
        expect(point.epsilonAfter).toBe(page.items.find((r) => r.index === point.index)!.epsilonAfter)
      expect(series.points[1]!.loss).toBeCloseTo(2 - 0.14, 12)
      const detail = await get<RunBody>(`/api/v1/training/runs/${run.id}`)
      expect(series.projection[0]).toEqual([24, detail.epsilonSpent])
      expect(series.projection.at(-1)![0]).toBe(39)
      expect(series.projection.at(-1)![1]).toBeCloseTo(detail.projectedEpsilon!, 12)
      const full = await get<Series>(`/api/v1/training/runs/${run.id}/rounds/series`)
      expect(full.stride).toBe(1)
      expect(full.points).toHaveLength(24)
    })

    it('adds each round to the run vector: any mix of settings, the reference accountant agrees', async (t) => {
      if (block.skipped) return t.skip()
      const run = await createRun()
      const order = [0, 1, 2, 5, 6, 3, 4, 7, 8, 9, 12, 10, 11, 13, 14, 15]
      const reference = new RdpAccountant()
      for (const index of order) {
        const body = varied(index)
        const receipt = await json<{ round: Round; run: { epsilonSpent: number } }>(await report(run.id, body))
        const expected = reference.add(body).epsilon(DP.delta).epsilon
        expect(receipt.round.epsilonAfter).toBeCloseTo(expected, 10)
        expect(receipt.run.epsilonSpent).toBe(receipt.round.epsilonAfter)
      }
      const preview = await h.request('POST', `/api/v1/training/runs/${run.id}/rounds/preview`, {
        bearer: operator,
        body: { steps: 10, sampleRate: 0.005, noiseMultiplier: 2 },
      })
      const wouldBe = reference.previewEpsilon({ steps: 10, sampleRate: 0.005, noiseMultiplier: 2 }, DP.delta)
      expect((await json<{ epsilonAfter: number }>(preview)).epsilonAfter).toBeCloseTo(wouldBe.epsilon, 10)
      // The work that grows with a setting's novelty ran in the accountant's worker threads.
      const health = await get<{ components: Array<{ name: string; message: string }> }>('/api/v1/system/health')
      const training = health.components.find((c) => c.name === 'training')!
      expect(training.message).toMatch(/accountant: [1-9]\d* computations? in worker threads, \d+ queued/)
    })

    it('rebuilds at start-up the ledger of a run recorded before it kept vectors, once, audited', async (t) => {
      if (block.skipped) return t.skip()
      const run = await createRun()
      for (const index of [0, 1, 3, 2, 4]) expect((await report(run.id, varied(index))).status).toBe(201)
      const before = await get<Page>(`/api/v1/training/runs/${run.id}/rounds`)
      const { db } = h.database
      // As migration 0006 leaves a run of the earlier schema: no vector, no stored epsilons.
      await db.update(trainingRuns).set({ rdp: null, projectedEpsilon: null }).where(eq(trainingRuns.id, run.id))
      await db.update(trainingRounds).set({ epsilonAfter: null }).where(eq(trainingRounds.runId, run.id))
      expect(await h.services.training.initialize()).toBe(1)
      expect(await h.services.training.initialize()).toBe(0)
      const after = await get<Page>(`/api/v1/training/runs/${run.id}/rounds`)
      expect(after.items.map((r) => r.index)).toEqual([0, 1, 2, 3, 4])
      after.items.forEach((r, i) => expect(r.epsilonAfter).toBeCloseTo(before.items[i]!.epsilonAfter, 12))
      const detail = await get<RunBody>(`/api/v1/training/runs/${run.id}`)
      expect(detail.projectedEpsilon).toBeGreaterThan(detail.epsilonSpent)
      expect((await report(run.id, varied(5))).status).toBe(201)
      const rebuilt = (await h.auditEntries()).filter((e) => e.body.action === 'training.ledger_rebuilt')
      expect(rebuilt.map((e) => e.body.resource.id)).toEqual([run.id])
    })

    it('stores vectors with unbounded orders (Infinity) and reads them back', async (t) => {
      if (block.skipped) return t.skip()
      const run = await createRun()
      const vector = new Array<number>(156).fill(0.5)
      vector[0] = Infinity
      await h.database.db.update(trainingRuns).set({ rdp: vector }).where(eq(trainingRuns.id, run.id))
      const [row] = await h.database.db.select().from(trainingRuns).where(eq(trainingRuns.id, run.id))
      expect(row!.rdp).toEqual(vector)
    })
  })
}

// The default body limit (1 MiB), under which 45,000 metrics (799 KB) fit.
const config = { maxJsonBytes: 1 << 20 }
forEachDatabase(suite, { config })
