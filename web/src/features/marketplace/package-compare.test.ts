import { describe, expect, it } from 'vitest'
import { compareGroupsOf, formatDiffValue, packageDiffPath } from './package-compare'

const pkg = (id: string, packageId: string, version: string, uploadedAt: string) => ({
  id,
  packageId,
  modelName: packageId === 'aaaa' ? 'vision' : 'speech',
  modelVersion: version,
  uploadedAt,
})

describe('compare with…', () => {
  const current = pkg('p2', 'aaaa', '1.1.0', '2026-01-02T00:00:00Z')
  const v1 = pkg('p1', 'aaaa', '1.0.0', '2026-01-01T00:00:00Z')
  const v3 = pkg('p3', 'aaaa', '1.2.0', '2026-01-03T00:00:00Z')
  const other = pkg('s1', 'bbbb', '0.1.0', '2026-01-04T00:00:00Z')

  it('offers the other versions of the same model first, newest first, then other packages, without repeats', () => {
    expect(compareGroupsOf(current, [v1, current, v3], [other, v3, current])).toEqual([
      {
        label: 'Other versions of vision',
        options: [
          { value: 'p3', label: 'vision 1.2.0' },
          { value: 'p1', label: 'vision 1.0.0' },
        ],
      },
      { label: 'Other packages', options: [{ value: 's1', label: 'speech 0.1.0' }] },
    ])
  })

  it('offers nothing when the package is the only one', () => {
    expect(compareGroupsOf(current, [current], [current])).toEqual([])
  })

  it('keeps both ids in the diff path', () => {
    expect(packageDiffPath('p2', 'p1')).toBe('/marketplace/packages/p2/compare/p1')
  })

  it('writes manifest values as one line', () => {
    expect(formatDiffValue('1.0.0')).toBe('1.0.0')
    expect(formatDiffValue(['a', 'b'])).toBe('["a","b"]')
    expect(formatDiffValue(undefined)).toBe('—')
  })
})
