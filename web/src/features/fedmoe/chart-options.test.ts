import { describe, expect, it } from 'vitest'
import {
  buildArenaBarsOption,
  buildArenaRadarOption,
  buildMetricHistoryOption,
  describeArenaBars,
  describeMetricHistory,
  formatBarTooltip,
  formatHistoryTooltip,
  formatSamples,
  versionLabel,
} from './chart-options'
import type { ArenaChartInput, MetricHistoryInput } from './chart-options'

const ARENA: ArenaChartInput = {
  benchmark: 'libero-long',
  metrics: ['success_rate', 'latency_ms'],
  versions: [
    {
      versionId: 'a',
      version: '1.0.0',
      nSamples: 12,
      metrics: { success_rate: 0.5, latency_ms: 120 },
      normalised: { success_rate: 0, latency_ms: 1 },
    },
    {
      versionId: 'b',
      version: '1.1.0',
      nSamples: 12000,
      metrics: { success_rate: 0.75, latency_ms: null },
      normalised: { success_rate: 1, latency_ms: null },
    },
  ],
}

type Series = Array<{ name: string; type: string; data: Array<{ value: number | null; nSamples: number | null }> }>

describe('arena grouped bars', () => {
  it('groups by metric with one bar series per version named with its sample count', () => {
    const option = buildArenaBarsOption(ARENA)
    expect((option.xAxis as { data: string[] }).data).toEqual(['success_rate', 'latency_ms'])
    const series = option.series as Series
    expect(series.map((s) => s.name)).toEqual(['1.0.0 (n=12)', '1.1.0 (n=12,000)'])
    expect(series.map((s) => s.type)).toEqual(['bar', 'bar'])
    expect(series[1]?.data).toEqual([
      { value: 0.75, nSamples: 12000 },
      { value: null, nSamples: 12000 },
    ])
  })

  it('shows every version value with its sample count in the tooltip, escaped', () => {
    const text = formatBarTooltip([
      { seriesName: '1.0.0 (n=12)', name: 'success_rate', value: 0.5, data: { value: 0.5, nSamples: 12 } },
      { seriesName: '<b>x</b>', name: 'success_rate', value: null, data: { value: null, nSamples: 1 } },
    ])
    expect(text).toBe('success_rate<br/>1.0.0 (n=12): 0.5 · 12 samples<br/>&lt;b&gt;x&lt;/b&gt;: – · 1 sample')
  })

  it('describes the bars in words', () => {
    expect(describeArenaBars(ARENA)).toBe(
      'Metrics on libero-long per version. 1.0.0 (12 samples): success_rate 0.5, latency_ms 120; ' +
        '1.1.0 (12,000 samples): success_rate 0.75, latency_ms –.',
    )
  })
})

describe('arena radar', () => {
  it('has one axis per metric from 0 to 1 and one area per version of normalised values', () => {
    const option = buildArenaRadarOption(ARENA)
    expect((option.radar as { indicator: unknown[] }).indicator).toEqual([
      { name: 'success_rate', min: 0, max: 1 },
      { name: 'latency_ms', min: 0, max: 1 },
    ])
    const [series] = option.series as Array<{ type: string; data: Array<{ name: string; value: number[] }> }>
    expect(series?.type).toBe('radar')
    expect(series?.data).toEqual([
      { name: '1.0.0 (n=12)', value: [0, 1] },
      { name: '1.1.0 (n=12,000)', value: [1, 0] },
    ])
  })
})

describe('metric over versions', () => {
  const HISTORY: MetricHistoryInput = {
    benchmark: 'libero-long',
    metric: 'success_rate',
    points: [
      { versionId: 'a', version: '1.0.0', value: 0.5, nSamples: 40 },
      { versionId: 'b', version: '1.1.0', value: null, nSamples: null },
      { versionId: 'c', version: '2.0.0', value: 0.8, nSamples: 1500 },
    ],
  }

  it('plots the versions in the order given with a break where a version has no value', () => {
    const option = buildMetricHistoryOption(HISTORY)
    expect((option.xAxis as { data: string[] }).data).toEqual(['1.0.0', '1.1.0', '2.0.0'])
    const [series] = option.series as Array<{
      data: unknown[]
      connectNulls: boolean
      label: { formatter: (p: unknown) => string }
    }>
    expect(series?.connectNulls).toBe(false)
    expect(series?.data).toEqual([
      { value: 0.5, nSamples: 40 },
      { value: null, nSamples: null },
      { value: 0.8, nSamples: 1500 },
    ])
    expect(series?.label.formatter({ data: { value: 0.8, nSamples: 1500 } })).toBe('n=1,500')
    expect(series?.label.formatter({ data: { value: null, nSamples: null } })).toBe('')
  })

  it('names the sample count in the tooltip and the summary', () => {
    expect(formatHistoryTooltip([{ name: '2.0.0', data: { value: 0.8, nSamples: 1500 } }])).toBe(
      '2.0.0: 0.8 · 1,500 samples',
    )
    expect(describeMetricHistory(HISTORY)).toBe(
      'success_rate on libero-long over 3 versions, 2 measured. Latest measured, 2.0.0: 0.8 (1,500 samples).',
    )
    expect(describeMetricHistory({ ...HISTORY, points: [] })).toBe(
      'success_rate on libero-long: no version has a value yet.',
    )
  })
})

describe('labels', () => {
  it('counts samples in words and in legends', () => {
    expect(formatSamples(null)).toBe('no samples')
    expect(formatSamples(1)).toBe('1 sample')
    expect(formatSamples(2500)).toBe('2,500 samples')
    expect(versionLabel({ version: '0.1.0', nSamples: null })).toBe('0.1.0 (n=0)')
  })
})
