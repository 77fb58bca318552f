import { describe, expect, it } from 'vitest'
import { formatBytes, formatRelative } from './format'

describe('formatRelative', () => {
  const now = Date.parse('2026-11-23T12:00:00.000Z')

  it('says how long ago or how far ahead a time is', () => {
    expect(formatRelative('2026-11-23T11:57:00.000Z', now)).toBe('3 minutes ago')
    expect(formatRelative('2026-11-25T12:00:00.000Z', now)).toBe('in 2 days')
    expect(formatRelative('2026-11-23T12:00:00.000Z', now)).toBe('now')
  })
})

describe('formatBytes', () => {
  it('uses binary units with at most one decimal, never rounding up past what was sent', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1023)).toBe('1,023 B')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(4 * 1024 * 1024)).toBe('4 MiB')
    expect(formatBytes(1024 * 1024 - 1)).toBe('1,023.9 KiB')
    expect(formatBytes(3.25 * 1024 ** 3)).toBe('3.2 GiB')
  })
})
