import type { Round } from '@tg/contracts'
import { describe, expect, it } from 'vitest'
import { describeGap, roundRowsOf } from './round-rows'

const round = (index: number) => ({ index }) as Round

describe('rounds table rows', () => {
  it('puts the gaps between the rounds, in index order', () => {
    const rows = roundRowsOf({
      items: [round(8), round(0), round(4)],
      gaps: [
        { from: 5, to: 7 },
        { from: 1, to: 3 },
      ],
    })
    expect(rows.map((row) => (row.kind === 'round' ? row.round.index : `${row.from}-${row.to}`))).toEqual([
      0,
      '1-3',
      4,
      '5-7',
      8,
    ])
  })

  it('orders a newest-first page from the highest index down', () => {
    const rows = roundRowsOf({ items: [round(9), round(4), round(3)], gaps: [{ from: 5, to: 8 }] }, 'desc')
    expect(rows.map((row) => (row.kind === 'round' ? row.round.index : `${row.from}-${row.to}`))).toEqual([
      9,
      '5-8',
      4,
      3,
    ])
  })

  it('says which rounds were not reported', () => {
    expect(describeGap(5, 7)).toBe('Rounds 5–7 not reported')
    expect(describeGap(4, 4)).toBe('Round 4 not reported')
  })
})
