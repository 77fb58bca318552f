import { describe, expect, it } from 'vitest'
import { packageEmptyReasonOf } from './package-empty'

describe('why there are no packages to list', () => {
  it('tells a page past the end from filters that match nothing', () => {
    expect(packageEmptyReasonOf(30, true, 2)).toBe('past-end')
    expect(packageEmptyReasonOf(0, true, 0)).toBe('filtered')
  })

  it('asks for a publisher first when none is registered, else for an upload', () => {
    expect(packageEmptyReasonOf(0, false, 0)).toBe('no-publishers')
    expect(packageEmptyReasonOf(0, false, 3)).toBe('no-packages')
    expect(packageEmptyReasonOf(0, false, null)).toBe('no-packages')
  })
})
