import { describe, expect, it } from 'vitest'
import { hasFilters, toLocationQuery } from '@/shared/ui/url-filters'
import { RUN_PAGE_SIZE, runFiltersOf, runListParamsOf, sortOf, withSort } from './url-filters'

describe('run filters in the URL', () => {
  it('reads the filters that are valid and drops the rest', () => {
    expect(
      runFiltersOf({
        q: ' llama ',
        state: 'budget_exhausted',
        budget: 'near',
        sort: 'epsilonSpent',
        order: 'asc',
      }),
    ).toEqual({ q: 'llama', state: 'budget_exhausted', budget: 'near', sort: 'epsilonSpent', order: 'asc' })
    expect(runFiltersOf({ state: 'paused', budget: 'over', sort: 'size', order: 'up' })).toEqual({})
  })

  it('leaves the default sort (newest first) out of the URL, and no page: an old page number is ignored', () => {
    expect(runFiltersOf({ sort: 'createdAt', order: 'desc', page: '3' })).toEqual({})
    expect(runFiltersOf({ order: 'asc' })).toEqual({ sort: 'createdAt', order: 'asc' })
    expect(withSort({ q: 'a' }, 'createdAt', 'desc')).toEqual({ q: 'a' })
    expect(withSort({ q: 'a' }, 'name', 'asc')).toEqual({ q: 'a', sort: 'name', order: 'asc' })
  })

  it('writes only what is set, so that a reload gives the same list', () => {
    const filters = { q: 'lora', budget: 'exhausted', sort: 'lastReportAt', order: 'desc' } as const
    expect(runFiltersOf(toLocationQuery(filters) as Record<string, string>)).toEqual(filters)
  })

  it('asks the server for the first page with the sort in effect (no page number)', () => {
    expect(runListParamsOf({ state: 'running' })).toEqual({
      q: undefined,
      state: 'running',
      budget: undefined,
      sort: 'createdAt',
      order: 'desc',
      limit: RUN_PAGE_SIZE,
    })
    expect(sortOf({ sort: 'name' })).toEqual({ sort: 'name', order: 'desc' })
  })

  it('counts search, state and budget as narrowing the list, not sort', () => {
    expect(hasFilters(runFiltersOf({ sort: 'name', order: 'asc' }))).toBe(false)
    expect(hasFilters(runFiltersOf({ budget: 'near' }))).toBe(true)
  })
})
