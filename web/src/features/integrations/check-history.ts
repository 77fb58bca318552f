// Pure ECharts option of a connector's check history: latency as a line over time, and the status
// as coloured bands behind it (one band per run of equal statuses). Results come newest first from
// the server; the chart reads them oldest first.
import type { ConnectorCheckResult } from '@tg/contracts'
import type { ChartOption } from '@/shared/charts/echarts'
import { CONNECTOR_STATUS_VIEW, formatLatencyMs } from './status-views'

type Result = Pick<ConnectorCheckResult, 'status' | 'latencyMs' | 'checkedAt'>
type CheckedStatus = ConnectorCheckResult['status']

/** Band colours: translucent, so that the line stays readable in light and dark themes. */
export const STATUS_BAND_COLORS: Record<CheckedStatus, string> = {
  healthy: 'rgba(24, 160, 88, 0.14)',
  degraded: 'rgba(240, 160, 32, 0.22)',
  unhealthy: 'rgba(208, 48, 80, 0.22)',
}

export type StatusSegment = { status: CheckedStatus; from: number; to: number }

function oldestFirst(results: readonly Result[]): Result[] {
  return [...results].sort((a, b) => Date.parse(a.checkedAt) - Date.parse(b.checkedAt))
}

/** Runs of equal statuses; each lasts until the next different result (the last until its own time). */
export function statusSegmentsOf(results: readonly Result[]): StatusSegment[] {
  const segments: StatusSegment[] = []
  for (const result of oldestFirst(results)) {
    const at = Date.parse(result.checkedAt)
    const last = segments.at(-1)
    if (last) last.to = at
    if (!last || last.status !== result.status) segments.push({ status: result.status, from: at, to: at })
  }
  return segments
}

export function buildCheckHistoryOption(results: readonly Result[]): ChartOption {
  const sorted = oldestFirst(results)
  return {
    animation: false,
    grid: { left: 56, right: 24, top: 40, bottom: 40, containLabel: false },
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    xAxis: { type: 'time', name: 'Checked at', nameLocation: 'middle', nameGap: 26 },
    yAxis: { type: 'value', name: 'Latency (ms)', min: 0 },
    series: [
      {
        name: 'Latency',
        type: 'line',
        showSymbol: sorted.length < 60,
        connectNulls: false,
        // A check without a measured latency (refused, unreachable) breaks the line.
        data: sorted.map((r) => [Date.parse(r.checkedAt), r.latencyMs]),
        markArea: {
          silent: true,
          data: statusSegmentsOf(sorted).map((s) => [
            {
              xAxis: s.from,
              name: CONNECTOR_STATUS_VIEW[s.status].label,
              itemStyle: { color: STATUS_BAND_COLORS[s.status] },
            },
            { xAxis: s.to },
          ]),
        },
      },
    ],
  }
}

/** The chart's accessible summary: how many checks, the latest status and latency, and failures. */
export function describeCheckHistory(results: readonly Result[]): string {
  const sorted = oldestFirst(results)
  const latest = sorted.at(-1)
  if (!latest) return 'No checks yet.'
  const failed = sorted.filter((r) => r.status !== 'healthy').length
  const latestText = `latest ${CONNECTOR_STATUS_VIEW[latest.status].label.toLowerCase()}, ${formatLatencyMs(latest.latencyMs)}`
  return `${sorted.length} ${sorted.length === 1 ? 'check' : 'checks'}: ${latestText}; ${failed} not healthy.`
}
