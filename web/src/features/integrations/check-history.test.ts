import { describe, expect, it } from 'vitest'
import { STATUS_BAND_COLORS, buildCheckHistoryOption, describeCheckHistory, statusSegmentsOf } from './check-history'

const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 10, minute)).toISOString()
const t = (minute: number) => Date.UTC(2026, 11, 7, 10, minute)

// Newest first, as the server answers.
const RESULTS = [
  { status: 'unhealthy' as const, latencyMs: null, checkedAt: at(4) },
  { status: 'unhealthy' as const, latencyMs: null, checkedAt: at(3) },
  { status: 'degraded' as const, latencyMs: 2400, checkedAt: at(2) },
  { status: 'healthy' as const, latencyMs: 40, checkedAt: at(1) },
  { status: 'healthy' as const, latencyMs: 35, checkedAt: at(0) },
]

describe('the check history chart', () => {
  it('plots latency oldest first, with a break where none was measured', () => {
    const option = buildCheckHistoryOption(RESULTS)
    const series = (option.series as Array<{ data: unknown[] }>)[0]!
    expect(series.data).toEqual([
      [t(0), 35],
      [t(1), 40],
      [t(2), 2400],
      [t(3), null],
      [t(4), null],
    ])
    expect(option.animation).toBe(false)
  })

  it('draws one band per run of equal statuses, each until the next change', () => {
    expect(statusSegmentsOf(RESULTS)).toEqual([
      { status: 'healthy', from: t(0), to: t(2) },
      { status: 'degraded', from: t(2), to: t(3) },
      { status: 'unhealthy', from: t(3), to: t(4) },
    ])
    const option = buildCheckHistoryOption(RESULTS)
    const bands = (
      option.series as Array<{
        markArea: { data: Array<[{ xAxis: number; itemStyle: { color: string } }, { xAxis: number }]> }
      }>
    )[0]!.markArea.data
    expect(bands.map(([from, to]) => [from.xAxis, to.xAxis, from.itemStyle.color])).toEqual([
      [t(0), t(2), STATUS_BAND_COLORS.healthy],
      [t(2), t(3), STATUS_BAND_COLORS.degraded],
      [t(3), t(4), STATUS_BAND_COLORS.unhealthy],
    ])
  })

  it('summarises the latest status for screen readers', () => {
    expect(describeCheckHistory(RESULTS)).toBe('5 checks: latest unhealthy, —; 3 not healthy.')
    expect(describeCheckHistory([RESULTS[4]!])).toBe('1 check: latest healthy, 35 ms; 0 not healthy.')
    expect(describeCheckHistory([])).toBe('No checks yet.')
    expect(statusSegmentsOf([])).toEqual([])
  })
})
