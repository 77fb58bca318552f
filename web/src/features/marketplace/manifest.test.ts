import { describe, expect, it } from 'vitest'
import { formatManifest, manifestCreatedAt } from './manifest'

describe('manifest', () => {
  it('reads created_at as Unix seconds, fractions included', () => {
    expect(manifestCreatedAt({ created_at: 1_795_000_000.5 })).toBe('2026-11-18T11:06:40.500Z')
    expect(manifestCreatedAt({ created_at: '2026' })).toBeNull()
    expect(manifestCreatedAt({})).toBeNull()
    expect(manifestCreatedAt({ created_at: -1 })).toBeNull()
  })

  it('shows unknown fields as they came', () => {
    const text = formatManifest({ model_name: 'm', privacy: { epsilon: 3 }, vendor_x: [1] })
    expect(text).toContain('"vendor_x": [\n    1\n  ]')
    expect(text).toContain('"epsilon": 3')
  })
})
