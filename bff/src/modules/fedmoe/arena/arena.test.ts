import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canonicalHash } from '@tg/contracts'
import type { ArenaComparison, ArenaTracePage, MetricHistory } from '@tg/contracts'
import type { DatabaseTarget } from '../../../db/client'
import { createHarness, createPostgresDatabase, json } from '../../../test/harness'
import type { Harness } from '../../../test/harness'
import { deltaOf } from './compare'

type Session = { cookie: string; csrf: string }

const postgres = await createPostgresDatabase()
const TARGETS: Array<[string, DatabaseTarget | undefined, () => Promise<void>]> = [
  ['embedded PGlite', undefined, async () => undefined],
  ...('skip' in postgres
    ? []
    : ([['PostgreSQL', postgres.target, postgres.drop]] as Array<[string, DatabaseTarget, () => Promise<void>]>)),
]
if ('skip' in postgres) console.warn(`fedmoe arena on PostgreSQL skipped: ${postgres.skip}`)

describe.each(TARGETS)('on %s', (_label, target, drop) => {
  let h: Harness
  let operator: Session
  let viewer: Session
  let expertId: string
  const v: Record<string, string> = {}

  const evalResult = (
    nSamples: number,
    metrics: Record<string, number>,
    traces: unknown[] = [],
    benchmark = 'libero',
  ) => ({
    type: 'EVAL_RESULT',
    benchmark,
    split: 'test',
    n_samples: nSamples,
    metrics,
    traces,
  })
  const trace = (i: number, output: unknown, score = 0.9) => ({
    input: { task: `t${i}` },
    output,
    expected: { a: i },
    score,
    latency_ms: 20 + i,
  })

  async function ingest(versionId: string, body: unknown) {
    const res = await h.request('POST', `/api/v1/fedmoe/experts/${expertId}/versions/${versionId}/evidence`, {
      ...operator,
      body,
    })
    expect(res.status, await res.clone().text()).toBe(201)
  }

  const arena = (query: string) => h.request('GET', `/api/v1/fedmoe/experts/${expertId}/arena?${query}`, viewer)
  const arenaTraces = (query: string) =>
    h.request('GET', `/api/v1/fedmoe/experts/${expertId}/arena/traces?${query}`, viewer)

  beforeAll(async () => {
    h = await createHarness({ target })
    operator = await h.userSession('otto', ['operator'])
    viewer = await h.userSession('vera', ['viewer'])
    const family = await h.request('POST', '/api/v1/fedmoe/experts', {
      ...operator,
      body: { name: 'arena-family', baseModel: 'pi-0' },
    })
    expertId = (await json<{ id: string }>(family)).id
    for (const version of ['1.10.0', '1.2.0', '1.9.0', '2.0.0']) {
      const res = await h.request('POST', `/api/v1/fedmoe/experts/${expertId}/versions`, {
        ...operator,
        body: { version },
      })
      v[version] = (await json<{ id: string }>(res)).id
    }
    // 1.2.0: an older item that the newer one supersedes; traces on inputs 0-5.
    await ingest(v['1.2.0']!, evalResult(50, { success_rate: 0.1 }))
    await ingest(
      v['1.2.0']!,
      evalResult(
        400,
        { success_rate: 0.7, latency_ms: 40 },
        [0, 1, 2, 3, 4, 5].map((i) => trace(i, { a: i })),
      ),
    )
    // 1.9.0: inputs 1-6; odd inputs answer differently, input 4 scores 0.2.
    await ingest(
      v['1.9.0']!,
      evalResult(
        400,
        { success_rate: 0.78, latency_ms: 35 },
        [1, 2, 3, 4, 5, 6].map((i) => trace(i, { a: i % 2 === 0 ? i : -i }, i === 4 ? 0.2 : 0.9)),
      ),
    )
    await ingest(v['1.9.0']!, evalResult(100, { success_rate: 0.99 }, [], 'bridge'))
    await ingest(v['1.10.0']!, {
      type: 'VLA_BENCHMARK',
      benchmark: 'libero',
      suite: 'LIBERO-Long',
      tasks: 10,
      n_samples: 12,
      metrics: { success_rate: 0.72, latency_ms: 50, smoothness: 0.9 },
    })
  })
  afterAll(async () => {
    await h.close()
    await drop()
  })

  describe('the arena comparison', () => {
    it('compares each version\u2019s newest item of the benchmark, with hand-computed normalised values and deltas', async () => {
      const res = await arena(`versions=${v['1.2.0']},${v['1.9.0']},${v['1.10.0']},${v['2.0.0']}&benchmark=libero`)
      expect(res.status, await res.clone().text()).toBe(200)
      const cmp = await json<ArenaComparison>(res)
      expect(cmp.baselineVersionId).toBe(v['1.2.0'])
      expect(cmp.metrics).toEqual(['latency_ms', 'smoothness', 'success_rate'])
      const [base, v19, v110, v2] = cmp.versions
      expect(cmp.versions.map((x) => x.version)).toEqual(['1.2.0', '1.9.0', '1.10.0', '2.0.0'])
      expect(base).toMatchObject({
        nSamples: 400,
        metrics: { success_rate: 0.7, latency_ms: 40, smoothness: null },
        deltas: { success_rate: null, latency_ms: null, smoothness: null },
      })
      expect(base!.normalised.success_rate).toBe(0)
      expect(base!.normalised.latency_ms).toBeCloseTo(5 / 15, 10)
      expect(v19!.normalised).toMatchObject({ success_rate: 1, latency_ms: 0, smoothness: null })
      expect(v110!.normalised.success_rate).toBeCloseTo(0.25, 10)
      expect(v110!.normalised).toMatchObject({ latency_ms: 1, smoothness: 1 })
      // 0.78 vs 0.70 on 400 each: 2 x sqrt(.7*.3/400 + .78*.22/400) = 0.0618 < 0.08, significant.
      expect(v19!.deltas.success_rate!.delta).toBeCloseTo(0.08, 10)
      expect(v19!.deltas.success_rate).toMatchObject({ baselineSamples: 400, samples: 400, significant: true })
      // Latency is not a rate: no variance, never called significant.
      expect(v19!.deltas.latency_ms).toMatchObject({ delta: -5, significant: false })
      // 12 samples: a delta, but not significant.
      expect(v110!.deltas.success_rate).toMatchObject({ baselineSamples: 400, samples: 12, significant: false })
      expect(v110!.deltas.success_rate!.delta).toBeCloseTo(0.02, 10)
      expect(v110!.deltas.smoothness).toBeNull()
      expect(v2).toMatchObject({
        nSamples: null,
        evidenceId: null,
        metrics: { success_rate: null, latency_ms: null, smoothness: null },
        deltas: { success_rate: null },
      })
      const other = await json<ArenaComparison>(
        await arena(`versions=${v['1.2.0']},${v['1.9.0']}&benchmark=libero&baseline=${v['1.9.0']}`),
      )
      expect(other.versions[0]!.deltas.success_rate!.delta).toBeCloseTo(-0.08, 10)
    })

    it('calls a delta significant only beyond two pooled standard errors and 30 samples a side', () => {
      expect(deltaOf({ value: 0.7, n: 400 }, { value: 0.78, n: 400 }).significant).toBe(true)
      expect(deltaOf({ value: 0.7, n: 400 }, { value: 0.75, n: 400 }).significant).toBe(false) // 2se = 0.0631
      expect(deltaOf({ value: 0.7, n: 12_000 }, { value: 0.72, n: 12_000 }).significant).toBe(true) // 2se = 0.0116
      expect(deltaOf({ value: 0.5, n: 29 }, { value: 1, n: 1000 }).significant).toBe(false)
    })

    it('answers 422 for bad picks and 404 for versions of another family', async () => {
      expect((await arena(`versions=${v['1.2.0']}&benchmark=libero`)).status).toBe(422)
      expect((await arena(`versions=${v['1.2.0']},${v['1.2.0']}&benchmark=libero`)).status).toBe(422)
      expect((await arena(`versions=${v['1.2.0']},${v['1.9.0']}`)).status).toBe(422)
      expect((await arena(`versions=${v['1.2.0']},${v['1.9.0']}&benchmark=libero&baseline=${v['2.0.0']}`)).status).toBe(
        422,
      )
      const other = await h.request('POST', '/api/v1/fedmoe/experts', {
        ...operator,
        body: { name: 'other', baseModel: 'x' },
      })
      const otherId = (await json<{ id: string }>(other)).id
      const ov = await h.request('POST', `/api/v1/fedmoe/experts/${otherId}/versions`, {
        ...operator,
        body: { version: '1.0.0' },
      })
      const otherVersion = (await json<{ id: string }>(ov)).id
      expect((await arena(`versions=${v['1.2.0']},${otherVersion}&benchmark=libero`)).status).toBe(404)
      const missing = '00000000-0000-4000-8000-000000000000'
      const noFamily = await h.request(
        'GET',
        `/api/v1/fedmoe/experts/${missing}/arena?versions=${v['1.2.0']},${v['1.9.0']}&benchmark=libero`,
        viewer,
      )
      expect(noFamily.status).toBe(404)
      expect(
        (
          await h.request(
            'GET',
            `/api/v1/fedmoe/experts/${expertId}/arena?versions=${v['1.2.0']},${v['1.9.0']}&benchmark=libero`,
          )
        ).status,
      ).toBe(401)
    })

    it('gives a metric over the versions in semver order', async () => {
      const res = await h.request(
        'GET',
        `/api/v1/fedmoe/experts/${expertId}/metric-history?benchmark=libero&metric=success_rate`,
        viewer,
      )
      expect(res.status).toBe(200)
      const history = await json<MetricHistory>(res)
      expect(history.points.map((p) => [p.version, p.value, p.nSamples])).toEqual([
        ['1.2.0', 0.7, 400],
        ['1.9.0', 0.78, 400],
        ['1.10.0', 0.72, 12],
        ['2.0.0', null, null],
      ])
      expect(history.points[3]!.at).toBeNull()
      expect(history.points[0]!.at).not.toBeNull()
      expect(
        (await h.request('GET', `/api/v1/fedmoe/experts/${expertId}/metric-history?benchmark=libero`, viewer)).status,
      ).toBe(422)
    })
  })

  describe('the arena trace viewer', () => {
    const pair = () => `versions=${v['1.2.0']},${v['1.9.0']}&benchmark=libero`
    const taskOf = (row: { input: unknown }) => Number((row.input as { task: string }).task.slice(1))

    it('aligns the versions\u2019 outputs by input and pages through every input once', async () => {
      const seen: number[] = []
      let cursor: string | null = null
      const sizes: number[] = []
      do {
        const res = await arenaTraces(`${pair()}&limit=3${cursor ? `&cursor=${cursor}` : ''}`)
        expect(res.status, await res.clone().text()).toBe(200)
        const page: ArenaTracePage = await json<ArenaTracePage>(res)
        sizes.push(page.items.length)
        for (const row of page.items) {
          const i = taskOf(row)
          seen.push(i)
          expect(row.inputKey).toBe(canonicalHash({ task: `t${i}` }))
          expect(row.expected).toEqual({ a: i })
          const [a, b] = row.outputs
          expect(a === null).toBe(i === 6)
          expect(b === null).toBe(i === 0)
          if (a) expect(a).toMatchObject({ versionId: v['1.2.0'], output: { a: i }, latencyMs: 20 + i })
          if (b) expect(b.output).toEqual({ a: i % 2 === 0 ? i : -i })
        }
        if (page.nextCursor) expect(page.nextCursor).toBe(page.items.at(-1)!.inputKey)
        cursor = page.nextCursor
      } while (cursor)
      expect(sizes).toEqual([3, 3, 1])
      expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6])
      const keys = seen.map((i) => canonicalHash({ task: `t${i}` }))
      expect(keys).toEqual([...keys].sort())
    })

    it('filters to disagreements and to failures', async () => {
      const disagreements = await json<ArenaTracePage>(await arenaTraces(`${pair()}&filter=disagreements`))
      expect(disagreements.items.map(taskOf).sort()).toEqual([1, 3, 5])
      const failures = await json<ArenaTracePage>(await arenaTraces(`${pair()}&filter=failures&failuresBelow=0.5`))
      expect(failures.items.map(taskOf)).toEqual([4])
      expect(failures.items[0]!.outputs[1]).toMatchObject({ score: expect.closeTo(0.2, 6) })
      const all = await json<ArenaTracePage>(await arenaTraces(`${pair()}&filter=failures&failuresBelow=0.95`))
      expect(all.items).toHaveLength(7)
      const withoutTraces = await json<ArenaTracePage>(
        await arenaTraces(`versions=${v['1.10.0']},${v['2.0.0']}&benchmark=libero`),
      )
      expect(withoutTraces).toEqual({ items: [], nextCursor: null })
      expect((await arenaTraces(`${pair()}&cursor=zz`)).status).toBe(422)
      expect((await arenaTraces(`${pair()}&filter=odd`)).status).toBe(422)
    })

    it('finds sparse disagreements across windows of several hundred traces, and pages every input once', async () => {
      const wide: string[] = []
      for (const version of ['3.0.0', '3.1.0']) {
        const res = await h.request('POST', `/api/v1/fedmoe/experts/${expertId}/versions`, {
          ...operator,
          body: { version },
        })
        wide.push((await json<{ id: string }>(res)).id)
      }
      const differs = new Set([5, 350, 690])
      await ingest(
        wide[0]!,
        evalResult(
          710,
          {},
          Array.from({ length: 710 }, (_, i) => trace(i, { a: i })),
          'wide',
        ),
      )
      await ingest(
        wide[1]!,
        evalResult(
          700,
          {},
          Array.from({ length: 700 }, (_, i) => trace(i, { a: differs.has(i) ? -i : i })),
          'wide',
        ),
      )
      const base = `versions=${wide.join(',')}&benchmark=wide`
      const walk = async (query: string) => {
        const keys: number[] = []
        const sizes: number[] = []
        let cursor: string | null = null
        do {
          const page: ArenaTracePage = await json<ArenaTracePage>(
            await arenaTraces(`${query}${cursor ? `&cursor=${cursor}` : ''}`),
          )
          sizes.push(page.items.length)
          keys.push(...page.items.map(taskOf))
          cursor = page.nextCursor
        } while (cursor)
        return { keys, sizes }
      }
      const disagreements = await walk(`${base}&filter=disagreements&limit=2`)
      expect(disagreements.sizes).toEqual([2, 1])
      expect([...disagreements.keys].sort((a, b) => a - b)).toEqual([5, 350, 690])
      const all = await walk(`${base}&limit=200`)
      expect(all.sizes).toEqual([200, 200, 200, 110])
      expect(new Set(all.keys).size).toBe(710)
    })
  })
})
