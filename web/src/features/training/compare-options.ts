// Pure ECharts options for comparing 2-4 runs: loss (left axis, solid) and epsilon (right axis,
// dashed) per run on one chart, x the round index; the y axes linear or logarithmic.
import type { RoundSeries } from '@tg/contracts'
import type { ChartOption } from '@/shared/charts/echarts'

export const COMPARE_MIN = 2
export const COMPARE_MAX = 4

export type ComparedRun = { name: string; series: Pick<RoundSeries, 'points'> }

/** Run ids of `?runs=a,b,c`: distinct, at most COMPARE_MAX; the rest is ignored. */
export function compareIdsOf(text: unknown): string[] {
  const raw = Array.isArray(text) ? text[0] : text
  if (typeof raw !== 'string') return []
  const ids = raw
    .split(',')
    .map((id) => id.trim())
    .filter((id) => /^[0-9a-zA-Z-]{1,64}$/.test(id))
  return [...new Set(ids)].slice(0, COMPARE_MAX)
}

/** A value the axis can show: on a log axis only positive ones (others break the line). */
const plotted = (value: number | null, isLog: boolean) =>
  value === null || !Number.isFinite(value) || (isLog && value <= 0) ? null : value

export function buildCompareOption(runs: readonly ComparedRun[], isLog: boolean): ChartOption {
  const axis = (name: string) => ({
    type: isLog ? ('log' as const) : ('value' as const),
    name,
    ...(isLog ? {} : { scale: true }),
  })
  return {
    grid: { left: 56, right: 56, top: 72, bottom: 40, containLabel: false },
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    xAxis: { type: 'value', name: 'Round', nameLocation: 'middle', nameGap: 26, minInterval: 1, min: 0 },
    yAxis: [axis('Loss'), { ...axis('Epsilon'), splitLine: { show: false } }],
    series: runs.flatMap((run) => [
      {
        name: `${run.name} · loss`,
        type: 'line',
        yAxisIndex: 0,
        showSymbol: run.series.points.length < 60,
        data: run.series.points.map((p) => [p.index, plotted(p.loss, isLog)]),
      },
      {
        name: `${run.name} · epsilon`,
        type: 'line',
        yAxisIndex: 1,
        showSymbol: false,
        lineStyle: { type: 'dashed' },
        data: run.series.points.map((p) => [p.index, plotted(p.epsilonAfter, isLog)]),
      },
    ]),
  }
}

/** What the chart shows, in words (for screen readers and the test). */
export function describeCompare(runs: readonly ComparedRun[]): string {
  return runs
    .map((run) => {
      const last = run.series.points.at(-1)
      if (!last) return `${run.name}: no rounds yet`
      const loss = last.loss === null ? 'no loss' : `loss ${last.loss.toPrecision(3)}`
      return `${run.name}: round ${last.index}, ${loss}, epsilon ${last.epsilonAfter.toFixed(2)}`
    })
    .join('; ')
}
