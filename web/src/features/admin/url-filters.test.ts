import { describe, expect, it } from 'vitest'
import { hasFilters, toLocationQuery } from '@/shared/ui/url-filters'
import { apiKeyFiltersOf, userFiltersOf } from './url-filters'

describe('user filters in the URL', () => {
  it('reads the filters that are valid and drops the rest', () => {
    expect(userFiltersOf({ q: ' ali ', role: 'admin', status: 'disabled', cursor: 'abc' })).toEqual({
      q: 'ali',
      role: 'admin',
      status: 'disabled',
      cursor: 'abc',
    })
    expect(userFiltersOf({ role: 'root', status: 'gone', q: '' })).toEqual({})
  })

  it('writes only what is set, so that a reload gives the same list', () => {
    const filters = { q: 'bob', role: 'auditor' as const }
    expect(toLocationQuery(filters)).toEqual({ q: 'bob', role: 'auditor' })
    expect(userFiltersOf(toLocationQuery(filters) as Record<string, string>)).toEqual(filters)
  })

  it('knows whether a filter narrows the list', () => {
    expect(hasFilters({ cursor: 'x' })).toBe(false)
    expect(hasFilters({ status: 'active' })).toBe(true)
  })
})

describe('API key filters in the URL', () => {
  it('reads prefix and status', () => {
    expect(apiKeyFiltersOf({ prefix: 'tgk_ab', status: 'revoked' })).toEqual({ prefix: 'tgk_ab', status: 'revoked' })
    expect(apiKeyFiltersOf({ status: 'disabled' })).toEqual({})
  })
})
