import type { AuditEntryPage } from '@tg/contracts'
import { describe, expect, it } from 'vitest'
import { findGaps } from './gaps'

const page = (missing: AuditEntryPage['missing'] = []): AuditEntryPage => ({
  items: [],
  nextCursor: null,
  treeSize: 10,
  pending: 0,
  missing,
})
const range = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, i) => from - i)

describe('findGaps', () => {
  it('finds nothing when the rows run from the checkpoint down to entry 0', () => {
    expect(findGaps({ pages: [page()], seqs: range(9, 0), treeSize: 10, isFiltered: false, hasMore: false })).toEqual({
      spans: [],
      first: null,
      isFiltered: false,
    })
  })

  it('sees holes between rows, above the newest and (all loaded) below the oldest, without a filter', () => {
    const seqs = [8, 7, 4, 3, 2]
    const gaps = findGaps({ pages: [page()], seqs, treeSize: 10, isFiltered: false, hasMore: false })
    expect(gaps.spans).toEqual([
      { first: 0, last: 1 },
      { first: 5, last: 6 },
      { first: 9, last: 9 },
    ])
    expect(gaps.first).toBe(0)
    // More pages to come: what is below the oldest row is not known yet.
    expect(findGaps({ pages: [page()], seqs, treeSize: 10, isFiltered: false, hasMore: true }).first).toBe(5)
    expect(findGaps({ pages: [page()], seqs: [], treeSize: 3, isFiltered: false, hasMore: false }).spans).toEqual([
      { first: 0, last: 2 },
    ])
  })

  it('trusts only what the server reports missing when a filter spaces the rows out', () => {
    const seqs = [9, 5, 1]
    expect(findGaps({ pages: [page()], seqs, treeSize: 10, isFiltered: true, hasMore: false }).first).toBeNull()
    const reported = [page([{ first: 6, last: 7 }]), page([{ first: 3, last: 3 }])]
    expect(findGaps({ pages: reported, seqs, treeSize: 10, isFiltered: true, hasMore: false })).toEqual({
      spans: [
        { first: 3, last: 3 },
        { first: 6, last: 7 },
      ],
      first: 3,
      isFiltered: true,
    })
  })

  it('merges what the server reports with what the page sees', () => {
    const pages = [page([{ first: 5, last: 6 }])]
    const gaps = findGaps({ pages, seqs: [9, 8, 7, 4], treeSize: 10, isFiltered: false, hasMore: true })
    expect(gaps.spans).toEqual([{ first: 5, last: 6 }])
  })
})
