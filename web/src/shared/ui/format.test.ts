import { describe, expect, it } from 'vitest'
import { formatRelative } from './format'

describe('formatRelative', () => {
  const now = Date.parse('2026-11-23T12:00:00.000Z')

  it('says how long ago or how far ahead a time is', () => {
    expect(formatRelative('2026-11-23T11:57:00.000Z', now)).toBe('3 minutes ago')
    expect(formatRelative('2026-11-25T12:00:00.000Z', now)).toBe('in 2 days')
    expect(formatRelative('2026-11-23T12:00:00.000Z', now)).toBe('now')
  })
})
