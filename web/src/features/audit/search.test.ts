import { describe, expect, it } from 'vitest'
import type { AuditFilters } from './url-filters'
import { describeSearch, entriesQueryOf, exportQueryOf, parseAuditSearch, searchParamsOf } from './search'

const HASH = 'AB'.repeat(32)

describe('the audit search box', () => {
  it('reads a number as a sequence number', () => {
    expect(parseAuditSearch(' 42 ')).toEqual({ kind: 'seq', seq: 42 })
    expect(parseAuditSearch('#7')).toEqual({ kind: 'seq', seq: 7 })
    expect(searchParamsOf(parseAuditSearch('0'))).toEqual({ seq: 0 })
  })

  it('reads 64 hex digits as an entry hash, lower-cased', () => {
    expect(searchParamsOf(parseAuditSearch(HASH))).toEqual({ hash: HASH.toLowerCase() })
    expect(parseAuditSearch(HASH.slice(1))).toEqual({ kind: 'resource', resourceId: HASH.slice(1) })
  })

  it('reads type:id as a resource, and anything else as a resource id', () => {
    expect(searchParamsOf(parseAuditSearch('user:3f1c'))).toEqual({ resourceType: 'user', resourceId: '3f1c' })
    expect(searchParamsOf(parseAuditSearch('acme-publisher'))).toEqual({ resourceId: 'acme-publisher' })
    expect(describeSearch(parseAuditSearch('package:p1')!)).toBe('resource package:p1')
  })

  it('is nothing when empty', () => {
    expect(parseAuditSearch('  ')).toBeNull()
    expect(parseAuditSearch(undefined)).toBeNull()
    expect(searchParamsOf(null)).toEqual({})
  })
})

describe('the search with the other filters', () => {
  it("adds to the entries query and replaces the filters' resource", () => {
    expect(entriesQueryOf({ q: '12', outcome: 'failure' })).toEqual({ seq: 12, outcome: 'failure' })
    expect(entriesQueryOf({ q: 'user:u1', resourceType: 'package', actor: 'root' })).toEqual({
      resourceType: 'user',
      resourceId: 'u1',
      actor: 'root',
    })
    expect(entriesQueryOf<AuditFilters>({ actor: 'root' })).toEqual({ actor: 'root' })
  })

  it('exports one entry for a sequence number, and nothing for a hash', () => {
    expect(exportQueryOf({ q: '12' })).toEqual({ fromSeq: 12, toSeq: 13 })
    expect(exportQueryOf({ q: HASH })).toBeNull()
    expect(exportQueryOf({ q: 'u1', action: 'admin.' })).toEqual({ resourceId: 'u1', action: 'admin.' })
  })
})
