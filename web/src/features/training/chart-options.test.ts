import type { Round } from '@tg/contracts'
import { computeEpsilon, RdpAccountant } from '@tg/contracts/privacy'
import { describe, expect, it } from 'vitest'
import { buildClientsOption, buildEpsilonOption, buildLossAccuracyOption } from './chart-options'
import { describeClients, describeEpsilon, describeLossAccuracy } from './chart-summaries'
import { MAX_PROJECTION_POINTS, projectEpsilon } from './projection'

const DP = { sampleRate: 0.01, noiseMultiplier: 1.1, delta: 1e-5, epsilonBudget: 3 }
const RUN = { state: 'running' as const, plannedRounds: 10, stepsPerRound: 100, dp: DP }

/** Rounds at the run's settings with the epsilon the server would compute after each. */
function roundsAt(indices: number[], metrics: (i: number) => Round['metrics'] = () => ({})): Round[] {
  const accountant = new RdpAccountant()
  return indices.map((index) => {
    accountant.add({ sampleRate: DP.sampleRate, noiseMultiplier: DP.noiseMultiplier, steps: RUN.stepsPerRound })
    return {
      index,
      clients: 10 + index,
      steps: RUN.stepsPerRound,
      sampleRate: DP.sampleRate,
      noiseMultiplier: DP.noiseMultiplier,
      clippingNorm: 1,
      metrics: metrics(index),
      startedAt: '2026-11-23T12:00:00.000Z',
      endedAt: '2026-11-23T12:01:00.000Z',
      receivedAt: '2026-11-23T12:01:01.000Z',
      reportedBy: 'agent',
      epsilonAfter: accountant.epsilon(DP.delta).epsilon,
    }
  })
}

type Series = Array<{ name: string; data: Array<[number, number | null]> }>
const seriesOf = (option: { series?: unknown }) => option.series as Series
const dataOf = (option: { series?: unknown }, name: string) => seriesOf(option).find((s) => s.name === name)?.data

describe('loss and accuracy chart', () => {
  it('plots loss and accuracy in percent by round, and breaks the lines where rounds are missing', () => {
    const metrics = (i: number): Round['metrics'] => (i === 1 ? { loss: 0.9 } : { loss: 1 - i / 10, accuracy: i / 10 })
    const rounds = roundsAt([2, 0, 1, 5], metrics)
    const option = buildLossAccuracyOption(rounds)
    expect(dataOf(option, 'Loss')).toEqual([
      [0, 1],
      [1, 0.9],
      [2, 0.8],
      [3, null],
      [5, 0.5],
    ])
    expect(dataOf(option, 'Accuracy')).toEqual([
      [0, 0],
      [1, null],
      [2, 20],
      [3, null],
      [5, 50],
    ])
    expect(describeLossAccuracy(rounds)).toBe(
      'Loss and accuracy per round, 4 rounds reported. Latest, round 5: loss 0.5, accuracy 50%.',
    )
    expect(describeLossAccuracy([])).toBe('Loss and accuracy per round: no round reported yet.')
  })
})

describe('epsilon chart', () => {
  it('plots epsilon after each round and the budget across the planned rounds', () => {
    const rounds = roundsAt([0, 1, 2])
    const option = buildEpsilonOption(rounds, RUN)
    expect(dataOf(option, 'Epsilon spent')?.map(([x]) => x)).toEqual([0, 1, 2])
    expect(dataOf(option, 'Epsilon spent')?.[2]?.[1]).toBe(rounds[2]!.epsilonAfter)
    expect(dataOf(option, 'Budget')).toEqual([
      [0, 3],
      [9, 3],
    ])
    expect(option.xAxis).toMatchObject({ min: 0, max: 9 })
  })

  it('projects from the last reported round to the last planned one at the declared settings', () => {
    const rounds = roundsAt([0, 1, 2])
    const projection = dataOf(buildEpsilonOption(rounds, RUN), 'Projection')!
    expect(projection[0]).toEqual([2, rounds[2]!.epsilonAfter])
    expect(projection.map(([x]) => x)).toEqual([2, 3, 4, 5, 6, 7, 8, 9])
    // The last point is the epsilon of all ten planned rounds, as the server's projectedEpsilon.
    const planned = computeEpsilon({ sampleRate: 0.01, noiseMultiplier: 1.1, steps: 1000, delta: 1e-5 }).epsilon
    expect(projection.at(-1)?.[1]).toBeCloseTo(planned, 12)
    const ys = projection.map(([, y]) => y as number)
    expect(ys.every((y, k) => k === 0 || y > ys[k - 1]!)).toBe(true)
  })

  it('counts missing rounds as still to come, and draws no projection for a run that ended', () => {
    const rounds = roundsAt([0, 3])
    const projection = projectEpsilon(rounds, RUN)
    expect(projection[1]).toEqual([4, expect.any(Number)])
    const planned = computeEpsilon({ sampleRate: 0.01, noiseMultiplier: 1.1, steps: 1000, delta: 1e-5 }).epsilon
    expect(projection.at(-1)?.[1]).toBeCloseTo(planned, 12)
    expect(projectEpsilon(rounds, { ...RUN, state: 'budget_exhausted' })).toEqual([])
    expect(projectEpsilon(roundsAt([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), RUN)).toEqual([])
  })

  it('keeps a projection over many planned rounds to a bounded number of points', () => {
    const projection = projectEpsilon([], { ...RUN, plannedRounds: 100_000, stepsPerRound: 1 })
    expect(projection.length).toBeLessThanOrEqual(MAX_PROJECTION_POINTS)
    expect(projection[0]?.[0]).toBe(0)
    expect(projection.at(-1)?.[0]).toBe(99_999)
  })

  it('summarises the latest epsilon, its share of the budget, the projection and exhaustion', () => {
    const rounds = roundsAt([0, 1])
    const latest = rounds[1]!.epsilonAfter
    const summary = describeEpsilon(rounds, RUN)
    expect(summary).toContain('Epsilon per round against the budget of 3: after round 1, epsilon')
    expect(summary).toContain(`(${Math.round((latest / 3) * 100)}% of the budget)`)
    expect(summary).toContain('Projected at the 10 planned rounds: epsilon')
    const ended = describeEpsilon(rounds, { ...RUN, state: 'budget_exhausted' })
    expect(ended).not.toContain('Projected')
    expect(ended).toContain('The budget is exhausted')
  })
})

describe('clients chart', () => {
  it('plots participating clients per round as bars', () => {
    const rounds = roundsAt([0, 1, 3])
    const option = buildClientsOption(rounds)
    expect(seriesOf(option)[0]).toMatchObject({ type: 'bar' })
    expect(dataOf(option, 'Clients')).toEqual([
      [0, 10],
      [1, 11],
      [2, null],
      [3, 13],
    ])
    expect(describeClients(rounds)).toBe(
      'Participating clients per round, 3 rounds reported. Latest, round 3: 13 clients.',
    )
    expect(describeClients([])).toBe('Participating clients per round: no round reported yet.')
  })
})
