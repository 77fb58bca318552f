import { describe, expect, it } from 'vitest'
import { call, startReplica } from './replica-process'
import type { Replica } from './replica-process'
import { firstAdminKey, killHard, printFigures, restart, serverEnv, verifiedLog, killTargets } from './fault-support'

// kill -9 of a real server process in the middle of concurrent bursts of training rounds, which
// group commit gathers into shared transactions (the batch-size metric shows they did), then a
// restart on the same state: every round answered 2xx is stored, with its audit entry, and
// nothing else is; the log verifies. On the embedded default (PGlite) and on PostgreSQL.

const RUNS = 8
const ROUNDS = 12
const KILL_AFTER = 30
const DP = { noiseMultiplier: 1.1, clippingNorm: 1, sampleRate: 0.001, delta: 1e-5, epsilonBudget: 1000 }
const round = (index: number) => ({
  index,
  clients: 4,
  steps: 10,
  sampleRate: DP.sampleRate,
  noiseMultiplier: DP.noiseMultiplier,
  clippingNorm: 1,
  metrics: { loss: 1 / (index + 1) },
  startedAt: '2026-11-30T00:00:00.000Z',
  endedAt: '2026-11-30T00:01:00.000Z',
})

const { targets, track } = await killTargets('faults-kill-rounds.test')

/** Group commits of more than one member, from the server's /metrics. */
async function sharedBatches(server: Replica) {
  const text = await (await call(server, 'GET', '/metrics')).text()
  const count = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0)
  const single = Number(/^tg_audited_write_batch_size_bucket\{le="1"\} (\d+)/m.exec(text)?.[1] ?? 0)
  return count('tg_audited_write_batch_size_count') - single
}

describe.each(targets)('kill -9 during bursts of training rounds on %s', (name, database) => {
  it.skipIf(!database)(
    'keeps every round answered 2xx, with its audit entry, and the log verifies after the restart',
    { timeout: 120_000 },
    async () => {
      const env = serverEnv(`rounds-${name.split(' ').pop()!.toLowerCase()}`, database!)
      let server = await startReplica('first', env)
      track(server)
      const key = await firstAdminKey(server)
      const runIds: string[] = []
      for (let r = 0; r < RUNS; r++) {
        const res = await call(server, 'POST', '/api/v1/training/runs', {
          bearer: key,
          body: { name: `burst ${r}`, baseModel: 'm', adapter: {}, plannedRounds: ROUNDS, stepsPerRound: 10, dp: DP },
        })
        expect(res.status, await res.clone().text()).toBe(201)
        runIds.push(((await res.json()) as { id: string }).id)
      }

      const answered: string[] = []
      let failed = 0
      const report = async (runId: string, index: number) => {
        try {
          const res = await call(server, 'POST', `/api/v1/training/runs/${runId}/rounds`, {
            bearer: key,
            body: round(index),
          })
          if (res.status !== 201) throw new Error(`answered ${res.status}`)
          answered.push(`${runId}#${index}`)
          if (answered.length === KILL_AFTER) server.child.kill('SIGKILL')
        } catch {
          // Cut off by the kill: not answered, so the agent knows nothing was promised.
          failed++
        }
      }
      // A first burst, all answered: round 0 of every run at once. They share transactions.
      await Promise.all(runIds.map((runId) => report(runId, 0)))
      expect(answered).toHaveLength(RUNS)
      expect(await sharedBatches(server)).toBeGreaterThan(0)
      // Then every other round of every run at once, and the kill after KILL_AFTER answers.
      await Promise.all(runIds.flatMap((runId) => Array.from({ length: ROUNDS - 1 }, (_, i) => report(runId, i + 1))))
      await killHard(server)
      expect(answered.length).toBeGreaterThanOrEqual(KILL_AFTER)
      expect(failed).toBeGreaterThan(0)

      server = await restart('restarted', env, key)
      track(server)
      const rows = await verifiedLog(server, key)
      const logged = rows
        .filter((r) => r.action === 'training.round_recorded')
        .map((r) => `${r.resource.id}#${(r as unknown as { details: { index: number } }).details.index}`)
      const stored: string[] = []
      for (const runId of runIds) {
        const res = await call(server, 'GET', `/api/v1/training/runs/${runId}/rounds?limit=100`, { bearer: key })
        expect(res.status).toBe(200)
        const page = (await res.json()) as { items: Array<{ index: number }> }
        stored.push(...page.items.map((item) => `${runId}#${item.index}`))
      }
      const lost = answered.filter((id) => !stored.includes(id) || !logged.includes(id))
      expect(lost).toEqual([])
      // One transaction each: the log and the rounds hold the same rounds, each once.
      expect([...logged].sort()).toEqual([...stored].sort())
      expect(new Set(logged).size).toBe(logged.length)
      // The run's counters agree with its rounds after the restart.
      for (const runId of runIds) {
        const run = (await (await call(server, 'GET', `/api/v1/training/runs/${runId}`, { bearer: key })).json()) as {
          roundsRecorded: number
        }
        expect(run.roundsRecorded).toBe(stored.filter((id) => id.startsWith(`${runId}#`)).length)
      }
      printFigures(`kill -9 mid-burst of rounds (${name})`, {
        'faults injected': 1,
        survived: 1,
        'rounds answered 2xx': answered.length,
        'cut off': failed,
        lost: lost.length,
        'rounds stored': stored.length,
        'log entries verified': rows.length,
      })
      await killHard(server)
    },
  )
})
