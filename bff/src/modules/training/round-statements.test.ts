// What one round report costs the embedded database (issue 16): every statement on PGlite's one
// connection is one more turn of its protocol and file calls, so the report's are counted here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, json } from '../../test/harness'
import type { Harness } from '../../test/harness'

type Receipt = { round: { index: number }; run: { state: string }; replayed: boolean }
type Queryable = { query: (...args: unknown[]) => Promise<unknown>; exec?: (...args: unknown[]) => Promise<unknown> }
type PgliteClient = Queryable & { transaction: (work: (tx: Queryable) => Promise<unknown>) => Promise<unknown> }

const DP = { noiseMultiplier: 1.1, clippingNorm: 1, sampleRate: 0.01, delta: 1e-5, epsilonBudget: 50 }
const round = (index: number) => ({
  index,
  clients: 8,
  steps: 10,
  sampleRate: DP.sampleRate,
  noiseMultiplier: DP.noiseMultiplier,
  clippingNorm: 1,
  metrics: { loss: 1 },
  startedAt: '2026-11-30T10:00:00.000Z',
  endedAt: '2026-11-30T10:05:00.000Z',
})

/** Records the text of every statement the app sends through PGlite's client, in and out of transactions. */
function recordStatements(client: PgliteClient) {
  const seen: string[] = []
  const wrap = (target: Queryable) => {
    for (const method of ['query', 'exec'] as const) {
      const original = target[method]?.bind(target)
      if (!original) continue
      target[method] = (text: unknown, ...rest: unknown[]) => {
        seen.push(String(text).replace(/\s+/g, ' ').trim())
        return original(text, ...rest)
      }
    }
  }
  wrap(client)
  const transaction = client.transaction.bind(client)
  client.transaction = (work) =>
    transaction((tx) => {
      wrap(tx)
      return work(tx)
    })
  return seen
}

/**
 * Not the report's own: the audit log's checkpoint check (at most once a second after requests)
 * and the API key's lookup (cached by credential-cache.ts, tested there).
 */
const isOthers = (text: string) =>
  text.includes('"audit_checkpoints"') ||
  (/from "audit_head"/.test(text) && !/for update/.test(text)) ||
  text.includes('"api_keys"')

describe('a round report on embedded PGlite', () => {
  let h: Harness
  let operator: string
  let seen: string[]

  beforeAll(async () => {
    h = await createHarness()
    operator = await h.apiKey(['operator'])
    seen = recordStatements((h.database.db as unknown as { $client: PgliteClient }).$client)
  }, 180_000)
  afterAll(() => h.close())

  it('is four statements: the locked run, the round with its ledger and live event, the audit head and append', async () => {
    const created = await h.request('POST', '/api/v1/training/runs', {
      bearer: operator,
      body: { name: 'counted', baseModel: 'm', adapter: {}, plannedRounds: 10, stepsPerRound: 10, dp: DP },
    })
    const run = await json<{ id: string }>(created)
    const report = (index: number) =>
      h.request('POST', `/api/v1/training/runs/${run.id}/rounds`, { bearer: operator, body: round(index) })
    expect((await report(0)).status).toBe(201)
    await new Promise((resolve) => setTimeout(resolve, 300))

    seen.length = 0
    const res = await report(1)
    expect(res.status).toBe(201)
    expect((await json<Receipt>(res)).round.index).toBe(1)
    // What a request's kick would run in the background after the answer.
    await new Promise((resolve) => setTimeout(resolve, 300))
    const own = seen.filter((text) => !isOthers(text) && !/^(begin|commit)/i.test(text))

    expect(own, own.join('\n')).toHaveLength(4)
    expect(own.filter((text) => text.includes('training_'))).toHaveLength(2)
    expect(
      own.some((text) => /^select "id" from "audit_pending"/.test(text)),
      'no sequencing pass',
    ).toBe(false)
    // The round is in the log, with the run's entries before it.
    const actions = (await h.auditEntries()).map((entry) => entry.body.action)
    expect(actions.filter((action) => action === 'training.round_recorded')).toHaveLength(2)
  })
})
