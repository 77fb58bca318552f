import type { RoundPoint, RoundSeries } from '@tg/contracts'
import { describe, expect, it } from 'vitest'
import { DENSE_BARS, buildClientsOption, buildEpsilonOption, buildLossAccuracyOption } from './chart-options'
import { describeClients, describeEpsilon, describeLossAccuracy, describeSampling } from './chart-summaries'

const RUN = {
  state: 'running' as const,
  plannedRounds: 10,
  roundsRecorded: 0,
  epsilonSpent: 0,
  dp: { epsilonBudget: 3 },
}

const point = (index: number, values: Partial<RoundPoint> = {}): RoundPoint => ({
  index,
  clients: 10 + index,
  epsilonAfter: 0.1 * (index + 1),
  loss: null,
  accuracy: null,
  ...values,
})

/** A series as the server sends it: `points` sampled every `stride` (and the latest). */
function seriesOf(points: RoundPoint[], extra: Partial<RoundSeries> = {}): RoundSeries {
  const lastRoundIndex = points.at(-1)?.index ?? null
  return { stride: 1, roundsRecorded: points.length, lastRoundIndex, points, projection: [], ...extra }
}

type Data = Array<{ name: string; data: Array<[number, number | null]> }>
const dataOf = (option: { series?: unknown }, name: string) =>
  (option.series as Data).find((s) => s.name === name)?.data

describe('loss and accuracy chart', () => {
  it('plots loss and accuracy in percent by round, and breaks the lines where rounds are missing', () => {
    const series = seriesOf([
      point(0, { loss: 1, accuracy: 0 }),
      point(1, { loss: 0.9 }),
      point(2, { loss: 0.8, accuracy: 0.2 }),
      point(5, { loss: 0.5, accuracy: 0.5 }),
    ])
    const option = buildLossAccuracyOption(series)
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
    expect(describeLossAccuracy(series)).toBe(
      'Loss and accuracy per round, 4 rounds reported. Latest, round 5: loss 0.5, accuracy 50%.',
    )
    expect(describeLossAccuracy(seriesOf([]))).toBe('Loss and accuracy per round: no round reported yet.')
  })

  it('breaks a sampled line only where a sampled round is missing, and says what it samples', () => {
    // Every 100th of 1,000 rounds and the latest (999); 300 was not reported.
    const indices = [0, 100, 200, 400, 500, 600, 700, 800, 900, 999]
    const series = seriesOf(
      indices.map((i) => point(i, { loss: 1 / (i + 1) })),
      { stride: 100, roundsRecorded: 999 },
    )
    const xs = dataOf(buildLossAccuracyOption(series), 'Loss')!.map(([x, y]) => (y === null ? `${x}:gap` : x))
    expect(xs).toEqual([0, 100, 200, '201:gap', 400, 500, 600, 700, 800, 900, 999])
    expect(describeSampling(series)).toBe(
      'A sample of 10 rounds: every 100th round index from 0 and the latest, of 999 rounds reported. The table lists every round.',
    )
    expect(describeLossAccuracy(series)).toContain('999 rounds reported, every 100th shown. Latest, round 999:')
    expect(describeSampling(seriesOf([point(0), point(1)]))).toBe('Every reported round: 2 rounds.')
    expect(describeSampling(seriesOf([]))).toBe('No round reported yet.')
    expect(describeSampling(seriesOf([point(0)], { stride: 22, roundsRecorded: 5000 }))).toContain('every 22nd')
  })
})

describe('epsilon chart', () => {
  it('plots epsilon after each round, the server projection and the budget across the planned rounds', () => {
    const projection: Array<[number, number]> = [
      [2, 0.3],
      [5, 0.6],
      [9, 1],
    ]
    const series = seriesOf([point(0), point(1), point(2)], { projection })
    const option = buildEpsilonOption(series, RUN)
    expect(dataOf(option, 'Epsilon spent')).toEqual([
      [0, 0.1],
      [1, 0.2],
      [2, 0.30000000000000004],
    ])
    expect(dataOf(option, 'Projection')).toEqual(projection)
    expect(dataOf(option, 'Budget')).toEqual([
      [0, 3],
      [9, 3],
    ])
    expect(option.xAxis).toMatchObject({ min: 0, max: 9 })
  })

  it('summarises the epsilon spent, its share of the budget, the projection and exhaustion', () => {
    const series = seriesOf([point(0), point(1)], { projection: [[9, 2.5]] })
    const run = { ...RUN, roundsRecorded: 2, epsilonSpent: 0.75 }
    expect(describeEpsilon(series, run)).toBe(
      'Epsilon per round against the budget of 3: epsilon 0.75 spent over 2 rounds (25% of the budget). Projected at the 10 planned rounds: epsilon 2.5.',
    )
    const ended = describeEpsilon({ ...series, projection: [] }, { ...run, state: 'budget_exhausted' })
    expect(ended).not.toContain('Projected')
    expect(ended).toContain('The budget is exhausted')
    expect(describeEpsilon(seriesOf([]), RUN)).toContain('no round reported yet.')
  })
})

describe('clients chart', () => {
  it('plots participating clients per round as bars', () => {
    const series = seriesOf([point(0), point(1), point(3)])
    const option = buildClientsOption(series)
    expect((option.series as Data)[0]).toMatchObject({ type: 'bar' })
    expect(dataOf(option, 'Clients')).toEqual([
      [0, 10],
      [1, 11],
      [2, null],
      [3, 13],
    ])
    expect(describeClients(series)).toBe(
      'Participating clients per round, 3 rounds reported. Latest, round 3: 13 clients.',
    )
    expect(describeClients(seriesOf([]))).toBe('Participating clients per round: no round reported yet.')
  })

  it('draws a line instead of bars once the rounds are too many for bars to stay apart', () => {
    const points = Array.from({ length: 1000 }, (_, i) => point(i * 5))
    const dense = buildClientsOption(seriesOf(points, { stride: 5, roundsRecorded: 4996 }))
    expect((dense.series as Data)[0]).toMatchObject({ type: 'line', showSymbol: false })
    expect(dataOf(dense, 'Clients')).toHaveLength(1000)
    const atLimit = Array.from({ length: DENSE_BARS }, (_, i) => point(i))
    expect((buildClientsOption(seriesOf(atLimit)).series as Data)[0]).toMatchObject({ type: 'bar' })
  })
})
