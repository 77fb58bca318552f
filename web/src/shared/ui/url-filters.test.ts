import { describe, expect, it } from 'vitest'
import { hasFilters, pageOf } from './url-filters'

describe('shared URL filters', () => {
  it('reads a page number from 2 up, and nothing for the first page or junk', () => {
    expect(pageOf({ page: '3' })).toBe('3')
    expect(pageOf({ page: '1' })).toBeUndefined()
    expect(pageOf({ page: '0' })).toBeUndefined()
    expect(pageOf({ page: '-2' })).toBeUndefined()
    expect(pageOf({ page: '2.5' })).toBeUndefined()
    expect(pageOf({ page: '1234567' })).toBeUndefined()
    expect(pageOf({ page: '100000' })).toBe('100000')
  })

  it('does not count paging and ordering as narrowing the list', () => {
    expect(hasFilters({ page: '2', sort: 'modelName', order: 'asc', cursor: 'c' })).toBe(false)
    expect(hasFilters({ q: 'llama', page: '2' })).toBe(true)
  })
})
