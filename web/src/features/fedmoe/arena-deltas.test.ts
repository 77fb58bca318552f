import { describe, expect, it } from 'vitest'
import { deltaMarkOf, formatDelta } from './arena-deltas'

const delta = (samples: number, baselineSamples: number, significant: boolean) => ({
  delta: 0.1,
  samples,
  baselineSamples,
  significant,
})

describe('delta marks', () => {
  it('marks the baseline, missing values, few samples, and significance as the server judged it', () => {
    expect(deltaMarkOf(delta(1000, 1000, true), true)).toBe('baseline')
    expect(deltaMarkOf(null, false)).toBe('missing')
    expect(deltaMarkOf(delta(12, 12000, true), false)).toBe('few-samples')
    expect(deltaMarkOf(delta(12000, 29, false), false)).toBe('few-samples')
    expect(deltaMarkOf(delta(30, 30, false), false)).toBe('not-significant')
    expect(deltaMarkOf(delta(30, 30, true), false)).toBe('significant')
  })

  it('signs the delta', () => {
    expect(formatDelta(0.0421)).toBe('+0.0421')
    expect(formatDelta(-0.1)).toBe('-0.1')
    expect(formatDelta(0)).toBe('0')
  })
})
