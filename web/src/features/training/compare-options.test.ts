import { describe, expect, it } from 'vitest'
import { buildCompareOption, compareIdsOf, describeCompare } from './compare-options'

const point = (index: number, loss: number | null, epsilonAfter: number) => ({
  index,
  clients: 3,
  epsilonAfter,
  loss,
  accuracy: null,
})
const runs = [
  { name: 'a', series: { points: [point(0, 2, 0), point(1, 1, 0.5)] } },
  { name: 'b', series: { points: [point(0, 0, 0.1), point(1, null, 0.7)] } },
]

type Series = { name: string; yAxisIndex: number; data: Array<[number, number | null]> }

describe('comparing runs', () => {
  it('draws loss and epsilon of every run on one chart, on two axes', () => {
    const option = buildCompareOption(runs, false) as { series: Series[]; yAxis: Array<{ type: string }> }
    expect(option.series.map((s) => [s.name, s.yAxisIndex])).toEqual([
      ['a · loss', 0],
      ['a · epsilon', 1],
      ['b · loss', 0],
      ['b · epsilon', 1],
    ])
    expect(option.yAxis.map((a) => a.type)).toEqual(['value', 'value'])
    expect(option.series[1]!.data).toEqual([
      [0, 0],
      [1, 0.5],
    ])
  })

  it('on log axes breaks the line where a value is not positive', () => {
    const option = buildCompareOption(runs, true) as { series: Series[]; yAxis: Array<{ type: string }> }
    expect(option.yAxis.map((a) => a.type)).toEqual(['log', 'log'])
    expect(option.series[1]!.data).toEqual([
      [0, null],
      [1, 0.5],
    ])
    expect(option.series[2]!.data).toEqual([
      [0, null],
      [1, null],
    ])
  })

  it('reads 2-4 distinct ids from the URL and says what the chart shows', () => {
    expect(compareIdsOf('a,b,a, c,d,e')).toEqual(['a', 'b', 'c', 'd'])
    expect(compareIdsOf(['x,y'])).toEqual(['x', 'y'])
    expect(compareIdsOf(undefined)).toEqual([])
    expect(compareIdsOf('<script>,ok')).toEqual(['ok'])
    expect(describeCompare(runs)).toBe('a: round 1, loss 1.00, epsilon 0.50; b: round 1, no loss, epsilon 0.70')
  })
})
