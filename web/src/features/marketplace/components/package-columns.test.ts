import { describe, expect, it } from 'vitest'
import { sortOfHeaderClick } from './package-columns'

const NEWEST = { sort: 'uploadedAt', order: 'desc' } as const

describe('sorting by column header', () => {
  it('sorts by the clicked column in the order the table asks', () => {
    expect(sortOfHeaderClick({ columnKey: 'modelName', order: 'ascend', sorter: true }, NEWEST)).toEqual({
      sort: 'modelName',
      order: 'asc',
    })
  })

  it('flips the sorted column instead of leaving it unsorted', () => {
    expect(sortOfHeaderClick({ columnKey: 'uploadedAt', order: false, sorter: true }, NEWEST)).toEqual({
      sort: 'uploadedAt',
      order: 'asc',
    })
    expect(
      sortOfHeaderClick({ columnKey: 'sizeBytes', order: false, sorter: true }, { sort: 'sizeBytes', order: 'asc' }),
    ).toEqual({ sort: 'sizeBytes', order: 'desc' })
  })

  it('ignores columns the server cannot sort by', () => {
    expect(sortOfHeaderClick({ columnKey: 'status', order: 'ascend', sorter: true }, NEWEST)).toBeNull()
    expect(sortOfHeaderClick(null, NEWEST)).toBeNull()
  })
})
