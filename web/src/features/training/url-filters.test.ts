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
        page: '3',
      }),
    ).toEqual({ q: 'llama', state: 'budget_exhausted', budget: 'near', sort: 'epsilonSpent', order: 'asc', page: '3' })
    expect(runFiltersOf({ state: 'paused', budget: 'over', sort: 'size', order: 'up', page: '0' })).toEqual({})
  })

  it('leaves the default sort (newest first) and the first page out of the URL', () => {
    expect(runFiltersOf({ sort: 'createdAt', order: 'desc', page: '1' })).toEqual({})
    expect(runFiltersOf({ order: 'asc' })).toEqual({ sort: 'createdAt', order: 'asc' })
    expect(withSort({ q: 'a', page: '4' }, 'createdAt', 'desc')).toEqual({ q: 'a' })
    expect(withSort({ q: 'a', page: '4' }, 'name', 'asc')).toEqual({ q: 'a', sort: 'name', order: 'asc' })
  })

  it('writes only what is set, so that a reload gives the same list', () => {
    const filters = { q: 'lora', budget: 'exhausted', sort: 'lastReportAt', order: 'desc', page: '2' } as const
    expect(runFiltersOf(toLocationQuery(filters) as Record<string, string>)).toEqual(filters)
  })

  it('asks the server for the page with the sort in effect', () => {
    expect(runListParamsOf({ state: 'running', page: '2' })).toEqual({
      q: undefined,
      state: 'running',
      budget: undefined,
      sort: 'createdAt',
      order: 'desc',
      page: 2,
      pageSize: RUN_PAGE_SIZE,
    })
    expect(sortOf({ sort: 'name' })).toEqual({ sort: 'name', order: 'desc' })
  })

  it('counts search, state and budget as narrowing the list, not sort or page', () => {
    expect(hasFilters(runFiltersOf({ sort: 'name', order: 'asc', page: '2' }))).toBe(false)
    expect(hasFilters(runFiltersOf({ budget: 'near' }))).toBe(true)
  })
})
