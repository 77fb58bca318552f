import { describe, expect, it } from 'vitest'
import { packageEmptyReasonOf } from './package-empty'

describe('why there are no packages to list', () => {
  it('tells filters that match nothing from an empty marketplace', () => {
    expect(packageEmptyReasonOf(true, 2)).toBe('filtered')
    expect(packageEmptyReasonOf(true, 0)).toBe('filtered')
  })

  it('asks for a publisher first when none is registered, else for an upload', () => {
    expect(packageEmptyReasonOf(false, 0)).toBe('no-publishers')
    expect(packageEmptyReasonOf(false, 3)).toBe('no-packages')
    expect(packageEmptyReasonOf(false, null)).toBe('no-packages')
  })
})
