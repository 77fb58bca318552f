import { describe, expect, it } from 'vitest'
import { sortOfHeaderClick } from './training-run-columns'

describe('sorting the runs table by its headers', () => {
  it('sorts by a sortable column and flips the order of the sorted one', () => {
    const current = { sort: 'createdAt', order: 'desc' } as const
    expect(sortOfHeaderClick({ columnKey: 'epsilonSpent', order: 'descend' } as never, current)).toEqual({
      sort: 'epsilonSpent',
      order: 'desc',
    })
    expect(sortOfHeaderClick({ columnKey: 'createdAt', order: false } as never, current)).toEqual({
      sort: 'createdAt',
      order: 'asc',
    })
    expect(sortOfHeaderClick({ columnKey: 'state', order: 'ascend' } as never, current)).toBeNull()
  })
})
