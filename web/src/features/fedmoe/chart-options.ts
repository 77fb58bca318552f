// Pure ECharts options for the Eval Arena, from the server's comparison of 2-4 versions on one
// benchmark and a family's metric history. Every version is named with its sample count, so
// that a value measured on 12 samples never reads like one measured on 12,000.
import type { ChartOption } from '@/shared/charts/echarts'

/** The parts of an arena version the charts read (structurally the contract's ArenaComparison). */
export type ArenaChartVersion = {
  versionId: string
  version: string
  nSamples: number | null
  metrics: Record<string, number | null>
  normalised: Record<string, number | null>
}
export type ArenaChartInput = { benchmark: string; metrics: string[]; versions: ArenaChartVersion[] }
export type MetricHistoryInput = {
  benchmark: string
  metric: string
  points: Array<{ versionId: string; version: string; value: number | null; nSamples: number | null }>
}

const COUNT = new Intl.NumberFormat('en')
const VALUE = new Intl.NumberFormat('en', { maximumSignificantDigits: 4 })
const GRID = { left: 56, right: 24, top: 56, bottom: 48, containLabel: false }

/** "1,000 samples", "1 sample", "no samples". */
export function formatSamples(n: number | null): string {
  if (n === null || n === 0) return 'no samples'
  return `${COUNT.format(n)} ${n === 1 ? 'sample' : 'samples'}`
}

/** A metric value as the arena shows it (four significant digits), or an en dash when missing. */
export function formatMetric(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : VALUE.format(value)
}

/** The legend name of a version: its semver and its sample count ("1.2.0 (n=1,000)"). */
export function versionLabel(version: Pick<ArenaChartVersion, 'version' | 'nSamples'>): string {
  return `${version.version} (n=${version.nSamples === null ? 0 : COUNT.format(version.nSamples)})`
}

type TooltipParam = { seriesName?: string; name?: string; value?: unknown; data?: unknown }
const paramsOf = (params: unknown): TooltipParam[] => (Array.isArray(params) ? params : [params]) as TooltipParam[]
const samplesOf = (data: unknown): number | null =>
  typeof data === 'object' && data !== null && 'nSamples' in data ? (data.nSamples as number | null) : null
const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c)

/** Tooltip of a bar group: the metric, then each version's value with its sample count. */
export function formatBarTooltip(params: unknown): string {
  const items = paramsOf(params)
  const lines = items.map((p) => {
    const value = p.value as number | null | undefined
    return `${escapeHtml(p.seriesName ?? '')}: ${formatMetric(value)} · ${formatSamples(samplesOf(p.data))}`
  })
  return [escapeHtml(items[0]?.name ?? ''), ...lines].join('<br/>')
}

/** Grouped bars: one group per metric, one bar per version (legend names carry n). */
export function buildArenaBarsOption(arena: ArenaChartInput): ChartOption {
  return {
    grid: GRID,
    legend: { top: 0 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: formatBarTooltip },
    xAxis: { type: 'category', data: arena.metrics, axisLabel: { interval: 0, hideOverlap: true } },
    yAxis: { type: 'value', name: arena.benchmark, scale: false },
    series: arena.versions.map((version) => ({
      name: versionLabel(version),
      type: 'bar' as const,
      barMaxWidth: 28,
      data: arena.metrics.map((metric) => ({ value: version.metrics[metric] ?? null, nSamples: version.nSamples })),
    })),
  }
}

/**
 * Radar of the normalised metrics (0-1 across the compared versions, as the server computed
 * them); a metric a version has no value for sits at the centre and says so in the tooltip.
 */
export function buildArenaRadarOption(arena: ArenaChartInput): ChartOption {
  return {
    legend: { top: 0 },
    tooltip: { trigger: 'item' },
    radar: {
      radius: '62%',
      center: ['50%', '58%'],
      indicator: arena.metrics.map((name) => ({ name, min: 0, max: 1 })),
    },
    series: [
      {
        name: `Normalised metrics on ${arena.benchmark}`,
        type: 'radar',
        data: arena.versions.map((version) => ({
          name: versionLabel(version),
          value: arena.metrics.map((metric) => version.normalised[metric] ?? 0),
        })),
      },
    ],
  }
}

/** Tooltip of a history point: the version, the value and its sample count. */
export function formatHistoryTooltip(params: unknown): string {
  const point = paramsOf(params)[0]
  if (!point) return ''
  const value = (point.data as { value?: number | null } | undefined)?.value ?? null
  return `${escapeHtml(point.name ?? '')}: ${formatMetric(value)} · ${formatSamples(samplesOf(point.data))}`
}

/** One metric over the family's versions in semver order (as the server sends them); gaps break the line. */
export function buildMetricHistoryOption(history: MetricHistoryInput): ChartOption {
  return {
    grid: GRID,
    tooltip: { trigger: 'axis', formatter: formatHistoryTooltip },
    xAxis: {
      type: 'category',
      name: 'Version',
      nameLocation: 'middle',
      nameGap: 28,
      data: history.points.map((p) => p.version),
    },
    yAxis: { type: 'value', name: history.metric, scale: true },
    series: [
      {
        name: `${history.metric} on ${history.benchmark}`,
        type: 'line',
        connectNulls: false,
        label: {
          show: history.points.length <= 12,
          position: 'top',
          formatter: (p: { data?: unknown }) => {
            const n = samplesOf(p.data)
            return n === null ? '' : `n=${COUNT.format(n)}`
          },
        },
        data: history.points.map((p) => ({ value: p.value, nSamples: p.nSamples })),
      },
    ],
  }
}

/** Text alternative of the grouped bars: each version with n and its values. */
export function describeArenaBars(arena: ArenaChartInput): string {
  if (arena.versions.length === 0 || arena.metrics.length === 0) return `No metrics on ${arena.benchmark}.`
  const parts = arena.versions.map(
    (v) =>
      `${v.version} (${formatSamples(v.nSamples)}): ${arena.metrics.map((m) => `${m} ${formatMetric(v.metrics[m])}`).join(', ')}`,
  )
  return `Metrics on ${arena.benchmark} per version. ${parts.join('; ')}.`
}

/** Text alternative of the radar. */
export function describeArenaRadar(arena: ArenaChartInput): string {
  return `Radar of ${arena.metrics.length} normalised metrics on ${arena.benchmark} for ${arena.versions
    .map((v) => v.version)
    .join(', ')}; 1 is the best of the compared versions, 0 the worst.`
}

/** Text alternative of the history line. */
export function describeMetricHistory(history: MetricHistoryInput): string {
  const measured = history.points.filter((p) => p.value !== null)
  if (measured.length === 0) return `${history.metric} on ${history.benchmark}: no version has a value yet.`
  const last = measured.at(-1) as MetricHistoryInput['points'][number]
  return (
    `${history.metric} on ${history.benchmark} over ${history.points.length} versions, ${measured.length} measured. ` +
    `Latest measured, ${last.version}: ${formatMetric(last.value)} (${formatSamples(last.nSamples)}).`
  )
}
