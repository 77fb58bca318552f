import { describe, expect, it } from 'vitest'
import { hasFilters, toLocationQuery } from '@/shared/ui/url-filters'
import { auditFiltersOf } from './url-filters'

describe('audit filters in the URL', () => {
  it('reads the filters that are valid and drops the rest', () => {
    expect(
      auditFiltersOf({
        actor: ' admin ',
        action: 'auth.',
        resourceType: 'user',
        resourceId: 'u-1',
        outcome: 'denied',
        from: '2026-11-23T10:00:00.000Z',
        to: 'not a date',
      }),
    ).toEqual({
      actor: 'admin',
      action: 'auth.',
      resourceType: 'user',
      resourceId: 'u-1',
      outcome: 'denied',
      from: '2026-11-23T10:00:00.000Z',
    })
    expect(auditFiltersOf({ outcome: 'maybe', actor: '' })).toEqual({})
  })

  it('normalises times to UTC instants and keeps them through a reload', () => {
    const filters = auditFiltersOf({ from: '2026-11-23T12:00:00+02:00' })
    expect(filters).toEqual({ from: '2026-11-23T10:00:00.000Z' })
    expect(auditFiltersOf(toLocationQuery(filters) as Record<string, string>)).toEqual(filters)
    expect(hasFilters(filters)).toBe(true)
  })
})
