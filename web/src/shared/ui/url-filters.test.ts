import { describe, expect, it } from 'vitest'
import { hasFilters } from './url-filters'

describe('shared URL filters', () => {
  it('does not count paging and ordering as narrowing the list', () => {
    expect(hasFilters({ page: '2', sort: 'modelName', order: 'asc', cursor: 'c' })).toBe(false)
    expect(hasFilters({ q: 'llama', page: '2' })).toBe(true)
  })
})
