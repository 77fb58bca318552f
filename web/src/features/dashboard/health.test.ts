import { describe, expect, it } from 'vitest'
import { COMPONENT_STATUS_VIEW, formatLatency, formatStorage } from './health'

describe('formatLatency', () => {
  it('shows a measured latency and nothing for an unmeasured one', () => {
    expect(formatLatency(1.234)).toBe('1.2 ms')
    expect(formatLatency(42.6)).toBe('43 ms')
    expect(formatLatency(null)).toBeNull()
  })
})

describe('formatStorage', () => {
  const storage = { writable: true, freeBytes: 3 * 1024 ** 3, totalBytes: 10 * 1024 ** 3, minFreeBytes: 2 * 1024 ** 3 }
  it('shows the free space of a component that stores files, and when it cannot write', () => {
    expect(formatStorage(storage)).toBe('Disk: 3 GiB free of 10 GiB')
    expect(formatStorage({ ...storage, writable: false, freeBytes: 0 })).toBe('Disk: 0 B free of 10 GiB, not writable')
    expect(formatStorage({ ...storage, freeBytes: null })).toBe('Disk: free space unknown')
    expect(formatStorage(undefined)).toBeNull()
  })
  it('shows a degraded component as a warning', () => {
    expect(COMPONENT_STATUS_VIEW.degraded).toEqual({ label: 'Degraded', tone: 'warning' })
  })
})
