import { describe, expect, it } from 'vitest'
import { formatLatency } from './health'

describe('formatLatency', () => {
  it('shows a measured latency and nothing for an unmeasured one', () => {
    expect(formatLatency(1.234)).toBe('1.2 ms')
    expect(formatLatency(42.6)).toBe('43 ms')
    expect(formatLatency(null)).toBeNull()
  })
})
