import { describe, expect, it } from 'vitest'
import { deltaMarkOf, deltaRowsOf, formatDelta } from './arena-deltas'

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

describe('delta rows', () => {
  it('has one cell per metric, no delta for the baseline, and marks from the server delta', () => {
    const rows = deltaRowsOf({
      benchmark: 'b',
      baselineVersionId: 'a',
      metrics: ['sr'],
      versions: [
        {
          versionId: 'a',
          version: '1.0.0',
          status: 'deployed',
          nSamples: 12,
          evidenceId: null,
          metrics: { sr: 0.5 },
          normalised: { sr: 0 },
          deltas: { sr: null },
        },
        {
          versionId: 'b',
          version: '1.1.0',
          status: 'validated',
          nSamples: 2000,
          evidenceId: null,
          metrics: { sr: 0.7 },
          normalised: { sr: 1 },
          deltas: { sr: { delta: 0.2, samples: 2000, baselineSamples: 12, significant: false } },
        },
      ],
    })
    expect(rows.map((r) => [r.version, r.isBaseline, r.cells[0]?.mark])).toEqual([
      ['1.0.0', true, 'baseline'],
      ['1.1.0', false, 'few-samples'],
    ])
    expect(rows[1]?.cells[0]?.delta?.delta).toBe(0.2)
  })
})
