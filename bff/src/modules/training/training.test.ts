import { computeEpsilon } from '@tg/contracts/privacy'
import { describe, expect, it } from 'vitest'
import { createHarness, createPostgresDatabase, json } from '../../test/harness'
import type { ErrorBody, Harness } from '../../test/harness'
import { openForBlock, openPglite, type Open } from '../../test/databases'

type Session = { cookie: string; csrf: string }
type RunBody = {
  id: string
  state: string
  warnings: string[]
  epsilonSpent: number
  projectedEpsilon: number | null
  roundsRecorded: number
  missingRounds: number
  stateReason: string | null
}
type Receipt = { round: { index: number }; run: { state: string; epsilonSpent: number }; replayed: boolean }

const DP = { noiseMultiplier: 1.1, clippingNorm: 1, sampleRate: 0.01, delta: 1e-5, epsilonBudget: 3 }
const runBody = (overrides: Record<string, unknown> = {}) => ({
  name: 'support-bot lora',
  baseModel: 'llama-3-8b',
  adapter: { method: 'lora', rank: 16, alpha: 32, targetModules: ['q_proj', 'v_proj'] },
  plannedRounds: 20,
  stepsPerRound: 100,
  dp: DP,
  ...overrides,
})
const round = (index: number, overrides: Record<string, unknown> = {}) => ({
  index,
  clients: 8,
  steps: 100,
  sampleRate: DP.sampleRate,
  noiseMultiplier: DP.noiseMultiplier,
  clippingNorm: DP.clippingNorm,
  metrics: {
    loss: 2 - index * 0.05,
    accuracy: 0.5 + index * 0.01,
    meanGradNorm: 0.9,
    clippedFraction: 0.1,
    perplexity: 7,
  },
  startedAt: '2026-11-30T10:00:00.000Z',
  endedAt: '2026-11-30T10:05:00.000Z',
  ...overrides,
})

/** Reads server-sent events from a streaming response until `count` arrived (or the time is up). */
async function readEvents(res: Response, count: number, timeoutMs = 10_000) {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  const events: Array<{ event: string; data: unknown }> = []
  let buffer = ''
  const deadline = Date.now() + timeoutMs
  while (events.length < count && Date.now() < deadline) {
    const next = await Promise.race([
      reader.read(),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), Math.max(0, deadline - Date.now()))),
    ])
    if (!next || next.done) break
    buffer += decoder.decode(next.value, { stream: true })
    let end: number
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const event = /^event: (.*)$/m.exec(block)?.[1]
      const data = /^data: (.*)$/m.exec(block)?.[1]
      if (event && data) events.push({ event, data: JSON.parse(data) })
    }
  }
  await reader.cancel()
  return events
}

function suite(name: string, open: Open<{ replica?: Harness }>) {
  describe(name, () => {
    let h: Harness
    let replica: Harness | undefined
    let operator: Session
    let viewer: Session

    const createRun = async (overrides: Record<string, unknown> = {}) => {
      const res = await h.request('POST', '/api/v1/training/runs', { ...operator, body: runBody(overrides) })
      expect(res.status, await res.clone().text()).toBe(201)
      return json<RunBody>(res)
    }
    const agentKey = async (runId: string) => {
      const res = await h.request('POST', `/api/v1/training/runs/${runId}/agent-keys`, {
        ...operator,
        body: { name: 'agent-1' },
      })
      expect(res.status).toBe(201)
      return await json<{ secret: string; apiKey: { roles: string[]; scopeRunId: string } }>(res)
    }
    const report = (runId: string, bearer: string, body: unknown) =>
      h.request('POST', `/api/v1/training/runs/${runId}/rounds`, { bearer, body })

    const block = openForBlock(`training on ${name}`, open, async (opened) => {
      ;({ h, replica } = opened)
      operator = await h.userSession('otto', ['operator'])
      viewer = await h.userSession('vera', ['viewer'])
    })

    it('creates a run with validated settings and warnings, and refuses viewers and bad values', async (t) => {
      if (block.skipped) return t.skip()
      const run = await createRun({ dp: { ...DP, epsilonBudget: 12 } })
      expect(run).toMatchObject({ state: 'created', epsilonSpent: 0, roundsRecorded: 0 })
      expect(run.warnings[0]).toContain('above 10')
      expect(run.projectedEpsilon).toBeGreaterThan(0)
      const deltaTooBig = await h.request('POST', '/api/v1/training/runs', {
        ...operator,
        body: runBody({ dp: { ...DP, datasetSize: 1000, delta: 0.01 } }),
      })
      expect(deltaTooBig.status).toBe(422)
      expect(JSON.stringify(await json(deltaTooBig))).toContain('below 1/N')
      const byViewer = await h.request('POST', '/api/v1/training/runs', { ...viewer, body: runBody() })
      expect(byViewer.status).toBe(403)
      const entry = (await h.auditEntries()).find((e) => e.body.action === 'training.run_created')
      expect(entry?.body).toMatchObject({ actor: { name: 'otto' }, resource: { id: run.id } })
    })

    it('records rounds from a run-scoped agent key, recomputing epsilon on the server', async (t) => {
      if (block.skipped) return t.skip()
      const run = await createRun()
      const other = await createRun({ name: 'other run' })
      const { secret, apiKey } = await agentKey(run.id)
      expect(apiKey).toMatchObject({ roles: [], scopeRunId: run.id })

      const first = await report(run.id, secret, round(0))
      expect(first.status).toBe(201)
      const receipt = await json<Receipt>(first)
      const expected = computeEpsilon({
        sampleRate: DP.sampleRate,
        noiseMultiplier: DP.noiseMultiplier,
        steps: 100,
        delta: DP.delta,
      })
      expect(receipt.run.epsilonSpent).toBeCloseTo(expected.epsilon, 10)
      expect(receipt).toMatchObject({ replayed: false, run: { state: 'running' } })

      // The scoped key has no other right.
      expect((await report(other.id, secret, round(0))).status).toBe(403)
      expect((await h.request('GET', '/api/v1/training/runs', { bearer: secret })).status).toBe(403)
      expect(
        (await h.request('POST', `/api/v1/training/runs/${run.id}/stop`, { bearer: secret, body: {} })).status,
      ).toBe(403)

      // Idempotent by index: the same report is answered as before, another one is a conflict.
      const again = await report(run.id, secret, round(0))
      expect(again.status).toBe(200)
      expect(await json<Receipt>(again)).toMatchObject({ replayed: true, round: { index: 0 } })
      const different = await report(run.id, secret, round(0, { clients: 9 }))
      expect(different.status).toBe(409)
      expect((await json<ErrorBody>(different)).error.code).toBe('CONFLICT')

      // Weaker privacy than declared is refused with the reason.
      const weaker = await report(run.id, secret, round(1, { noiseMultiplier: 0.9, sampleRate: 0.02 }))
      expect(weaker.status).toBe(422)
      const issues = (await json<ErrorBody>(weaker)).error.details?.issues as Array<{ path: string }>
      expect(issues.map((i) => i.path)).toEqual(['noiseMultiplier', 'sampleRate'])
      expect((await report(run.id, secret, round(20))).status).toBe(422)

      // Gaps and out-of-order reports are accepted and shown.
      expect((await report(run.id, secret, round(3))).status).toBe(201)
      const late = await report(run.id, secret, round(2, { noiseMultiplier: 1.5 }))
      expect(late.status).toBe(201)
      const lateReceipt = await json<Receipt & { round: { epsilonAfter: number } }>(late)
      const rounds = await json<{ items: Array<{ index: number; epsilonAfter: number }>; gaps: unknown[] }>(
        await h.request('GET', `/api/v1/training/runs/${run.id}/rounds`, viewer),
      )
      expect(rounds.items.map((r) => r.index)).toEqual([0, 2, 3])
      expect(rounds.gaps).toEqual([{ from: 1, to: 1 }])
      const [after0, after2, after3] = rounds.items.map((r) => r.epsilonAfter) as [number, number, number]
      // Each round's epsilon is the run's once it was recorded: received 0, 3, then 2 (late), so
      // round 2's counts round 3 too, and equals the run's total, in the receipt as in the list.
      expect(after0).toBeLessThan(after3)
      expect(after3).toBeLessThan(after2)
      expect(lateReceipt.round.epsilonAfter).toBe(after2)
      expect(lateReceipt.run.epsilonSpent).toBe(after2)
      const overview = await json<{
        latestRounds: Array<{ run: { id: string }; round: { index: number; epsilonAfter: number } }>
      }>(await h.request('GET', '/api/v1/training/overview', viewer))
      const latest = overview.latestRounds.filter((r) => r.run.id === run.id)
      expect(latest.map((r) => [r.round.index, r.round.epsilonAfter])).toEqual([
        [2, after2],
        [3, after3],
        [0, after0],
      ])
      // A replay answers what the first report was told.
      const replayedLate = await json<Receipt & { round: { epsilonAfter: number } }>(
        await report(run.id, secret, round(2, { noiseMultiplier: 1.5 })),
      )
      expect(replayedLate).toMatchObject({ replayed: true, round: { epsilonAfter: after2 } })
      const detail = await json<RunBody>(await h.request('GET', `/api/v1/training/runs/${run.id}`, viewer))
      expect(detail).toMatchObject({ roundsRecorded: 3, missingRounds: 1 })
      expect(detail.epsilonSpent).toBe(after2)

      // A preview costs nothing.
      const preview = await h.request('POST', `/api/v1/training/runs/${run.id}/rounds/preview`, {
        bearer: secret,
        body: { steps: 100 },
      })
      expect(await json(preview)).toMatchObject({ epsilonBefore: detail.epsilonSpent, wouldExceed: false })
      const still = await json<RunBody>(await h.request('GET', `/api/v1/training/runs/${run.id}`, viewer))
      expect(still.epsilonSpent).toBe(detail.epsilonSpent)
    })

    it('refuses the round that would pass the budget, stops the run there, and audits both', async (t) => {
      if (block.skipped) return t.skip()
      const run = await createRun({ dp: { ...DP, epsilonBudget: 1.3 } })
      expect(run.warnings.some((w) => w.includes('above the budget'))).toBe(true)
      const { secret } = await agentKey(run.id)
      let index = 0
      let res: Response
      do res = await report(run.id, secret, round(index++))
      while (res.status === 201 && index < 20)
      expect(res.status).toBe(409)
      const refused = await json<ErrorBody>(res)
      expect(refused.error.code).toBe('BUDGET_EXHAUSTED')
      expect(refused.error.details).toMatchObject({ epsilonBudget: 1.3 })
      expect(Number(refused.error.details?.epsilonWouldBe)).toBeGreaterThan(1.3)
      const after = await json<RunBody>(await h.request('GET', `/api/v1/training/runs/${run.id}`, viewer))
      expect(after.state).toBe('budget_exhausted')
      expect(after.epsilonSpent).toBeLessThanOrEqual(1.3)
      expect(after.roundsRecorded).toBe(index - 1)
      expect((await json<ErrorBody>(await report(run.id, secret, round(index)))).error.code).toBe('BUDGET_EXHAUSTED')
      expect((await report(run.id, secret, round(0))).status).toBe(200)
      const actions = (await h.auditEntries()).filter((e) => e.body.resource.id === run.id).map((e) => e.body.action)
      expect(actions).toContain('training.run_budget_exhausted')
      expect(actions.filter((a) => a === 'training.round_refused')).toHaveLength(2)
      const near = await json<{ items: Array<{ id: string }> }>(
        await h.request('GET', '/api/v1/training/runs?budget=exhausted', viewer),
      )
      expect(near.items.map((r) => r.id)).toContain(run.id)
    })

    it('stops, fails and completes runs; a final run takes no rounds', async (t) => {
      if (block.skipped) return t.skip()
      const stopped = await createRun()
      const stop = await h.request('POST', `/api/v1/training/runs/${stopped.id}/stop`, {
        ...operator,
        body: { reason: 'wrong data' },
      })
      expect(await json(stop)).toMatchObject({ state: 'stopped', stateReason: 'wrong data' })
      expect(
        (await h.request('POST', `/api/v1/training/runs/${stopped.id}/stop`, { ...operator, body: {} })).status,
      ).toBe(409)
      const operatorKey = await h.apiKey(['operator'])
      expect((await report(stopped.id, operatorKey, round(0))).status).toBe(409)

      const failing = await createRun()
      const { secret } = await agentKey(failing.id)
      const failed = await h.request('POST', `/api/v1/training/runs/${failing.id}/fail`, {
        bearer: secret,
        body: { reason: 'OOM on client 3' },
      })
      expect(await json(failed)).toMatchObject({ state: 'failed' })

      const short = await createRun({ plannedRounds: 2 })
      expect((await report(short.id, operatorKey, round(1))).status).toBe(201)
      const done = await json<Receipt>(await report(short.id, operatorKey, round(0)))
      expect(done.run.state).toBe('completed')
      const overview = await json<{ active: unknown[]; latestRounds: Array<{ run: { id: string } }> }>(
        await h.request('GET', '/api/v1/training/overview', viewer),
      )
      expect(overview.latestRounds[0]?.run.id).toBe(short.id)
    })

    it('answers 404 for a run that does not exist, and refuses agent keys for a final run', async (t) => {
      if (block.skipped) return t.skip()
      const missing = '00000000-0000-4000-8000-000000000000'
      const operatorKey = await h.apiKey(['operator'])
      const cases: Array<[string, string, unknown]> = [
        ['GET', `/api/v1/training/runs/${missing}`, undefined],
        ['GET', `/api/v1/training/runs/${missing}/rounds`, undefined],
        ['GET', `/api/v1/training/runs/${missing}/rounds/series`, undefined],
        ['POST', `/api/v1/training/runs/${missing}/stop`, {}],
        ['POST', `/api/v1/training/runs/${missing}/fail`, { reason: 'x' }],
        ['POST', `/api/v1/training/runs/${missing}/rounds`, round(0)],
        ['POST', `/api/v1/training/runs/${missing}/rounds/preview`, { steps: 1 }],
        ['POST', `/api/v1/training/runs/${missing}/agent-keys`, { name: 'a' }],
      ]
      for (const [method, path, body] of cases) {
        const res = await h.request(method, path, { bearer: operatorKey, body })
        expect(res.status, `${method} ${path}`).toBe(404)
      }
      const run = await createRun()
      await h.request('POST', `/api/v1/training/runs/${run.id}/stop`, { ...operator, body: {} })
      const late = await h.request('POST', `/api/v1/training/runs/${run.id}/agent-keys`, {
        ...operator,
        body: { name: 'a' },
      })
      expect(late.status).toBe(409)
    })

    it('streams new rounds as server-sent events, also from another replica', async (t) => {
      if (block.skipped) return t.skip()
      const run = await createRun()
      const operatorKey = await h.apiKey(['operator'])
      const watcher = replica ?? h
      const viewerKey = await watcher.apiKey(['viewer'])
      const stream = await watcher.request('GET', `/api/v1/training/events?runId=${run.id}`, { bearer: viewerKey })
      expect(stream.status).toBe(200)
      expect(stream.headers.get('content-type')).toContain('text/event-stream')
      const received = readEvents(stream, 2)
      await new Promise((r) => setTimeout(r, 200))
      expect((await report(run.id, operatorKey, round(0))).status).toBe(201)
      const events = await received
      expect(events[0]).toMatchObject({ event: 'ready' })
      expect(events[1]).toMatchObject({ event: 'round', data: { runId: run.id, index: 0, state: 'running' } })
    })
  })
}

suite('embedded PGlite', openPglite())
suite('PostgreSQL, two replicas', async () => {
  const pg = await createPostgresDatabase()
  if ('skip' in pg) return pg
  const h = await createHarness({ target: pg.target })
  const replica = await createHarness({ target: pg.target, initializeAudit: false })
  const cleanup = async () => {
    await replica.close()
    await pg.drop()
  }
  return { h, replica, cleanup }
})
