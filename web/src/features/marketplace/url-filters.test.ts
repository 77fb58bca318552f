import { describe, expect, it } from 'vitest'
import { hasFilters, toLocationQuery } from '@/shared/ui/url-filters'
import {
  PACKAGE_PAGE_SIZE,
  fleetFiltersOf,
  packageFiltersOf,
  packageListParamsOf,
  releaseFiltersOf,
  sortOf,
  withSort,
} from './url-filters'

const PUBLISHER = '0b3a8f0e-8a5e-4d55-9d0f-3c1f6f7d2a10'

describe('package filters in the URL', () => {
  it('reads the filters that are valid and drops the rest', () => {
    expect(
      packageFiltersOf({
        q: ' llama ',
        status: 'signer_revoked',
        publisher: PUBLISHER,
        baseModel: 'llama-3-8b',
        sort: 'sizeBytes',
        order: 'asc',
      }),
    ).toEqual({
      q: 'llama',
      status: 'signer_revoked',
      publisher: PUBLISHER,
      baseModel: 'llama-3-8b',
      sort: 'sizeBytes',
      order: 'asc',
    })
    expect(packageFiltersOf({ status: 'rejected', publisher: 'acme', sort: 'random', order: 'up', page: 'x' })).toEqual(
      {},
    )
  })

  it('keeps a valid label filter and passes it to the list request; drops a label the server would refuse', () => {
    expect(packageFiltersOf({ label: 'env=prod', sort: 'downloads', order: 'desc' })).toEqual({
      label: 'env=prod',
      sort: 'downloads',
      order: 'desc',
    })
    expect(packageListParamsOf({ label: 'gpu' })).toMatchObject({ label: 'gpu' })
    expect(packageFiltersOf({ label: 'Env=Prod' })).toEqual({})
    expect(packageFiltersOf({ label: 'a=b=c' })).toEqual({})
    expect(hasFilters(packageFiltersOf({ label: 'gpu' }))).toBe(true)
  })

  it('leaves the default sort (newest first) out of the URL, and no page: an old page number is ignored', () => {
    expect(packageFiltersOf({ sort: 'uploadedAt', order: 'desc', page: '3' })).toEqual({})
    expect(withSort({ q: 'a' }, 'uploadedAt', 'desc')).toEqual({ q: 'a' })
    expect(withSort({ q: 'a' }, 'modelName', 'asc')).toEqual({ q: 'a', sort: 'modelName', order: 'asc' })
  })

  it('writes only what is set, so that a reload gives the same list', () => {
    const filters = { q: 'lora', baseModel: 'mistral-7b', sort: 'modelName', order: 'asc' } as const
    expect(packageFiltersOf(toLocationQuery(filters) as Record<string, string>)).toEqual(filters)
  })

  it('asks the server for the first page with the publisher id and the sort in effect (no page number)', () => {
    expect(packageListParamsOf({ publisher: PUBLISHER })).toEqual({
      q: undefined,
      status: undefined,
      publisherId: PUBLISHER,
      baseModel: undefined,
      sort: 'uploadedAt',
      order: 'desc',
      limit: PACKAGE_PAGE_SIZE,
    })
    expect(sortOf({ sort: 'modelName' })).toEqual({ sort: 'modelName', order: 'desc' })
  })

  it('counts search and filters as narrowing the list, not sort', () => {
    expect(hasFilters(packageFiltersOf({ sort: 'modelName', order: 'asc' }))).toBe(false)
    expect(hasFilters(packageFiltersOf({ baseModel: 'llama-3-8b' }))).toBe(true)
  })
})

describe('release and fleet filters in the URL', () => {
  it('reads a fleet id and the archived toggle', () => {
    expect(releaseFiltersOf({ fleet: PUBLISHER })).toEqual({ fleet: PUBLISHER })
    expect(releaseFiltersOf({ fleet: 'edge' })).toEqual({})
    expect(fleetFiltersOf({ archived: 'true' })).toEqual({ archived: 'true' })
    expect(fleetFiltersOf({ archived: 'yes' })).toEqual({})
  })
})
