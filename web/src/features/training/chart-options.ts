// Pure ECharts options for a run's charts, from the server's bounded series of its rounds (every
// stride-th round index and the latest one, see RoundSeries) and the run itself. x is the round
// index on a value axis; a sampled round that was not reported breaks the line (null).
import type { RoundPoint, RoundSeries, Run } from '@tg/contracts'
import type { ChartOption } from '@/shared/charts/echarts'

type Point = [number, number | null]
type Sampled = Pick<RoundSeries, 'points' | 'stride'>
type EpsilonRun = Pick<Run, 'plannedRounds'> & { dp: Pick<Run['dp'], 'epsilonBudget'> }

const GRID = { left: 56, right: 56, top: 56, bottom: 40, containLabel: false }
const TOOLTIP = { trigger: 'axis' as const }
/** Symbols on each point only while there are few. */
const showSymbols = (series: Sampled) => series.points.length < 60

/** One point per sampled round, with a break (null) where a sampled round is missing. */
function pointsOf(series: Sampled, value: (point: RoundPoint) => number | null): Point[] {
  const points: Point[] = []
  let previous: number | null = null
  for (const point of series.points) {
    if (previous !== null && point.index > previous + series.stride) points.push([previous + 1, null])
    const y = value(point)
    points.push([point.index, y !== null && Number.isFinite(y) ? y : null])
    previous = point.index
  }
  return points
}

const roundAxis = (max?: number) => ({
  type: 'value' as const,
  name: 'Round',
  nameLocation: 'middle' as const,
  nameGap: 26,
  minInterval: 1,
  min: 0,
  ...(max !== undefined ? { max } : {}),
})

/** Loss (left axis) and accuracy in percent (right axis) per sampled round. */
export function buildLossAccuracyOption(series: Sampled): ChartOption {
  return {
    grid: GRID,
    tooltip: TOOLTIP,
    legend: { top: 0 },
    xAxis: roundAxis(),
    yAxis: [
      { type: 'value', name: 'Loss', scale: true },
      { type: 'value', name: 'Accuracy (%)', min: 0, max: 100, splitLine: { show: false } },
    ],
    series: [
      {
        name: 'Loss',
        type: 'line',
        yAxisIndex: 0,
        showSymbol: showSymbols(series),
        data: pointsOf(series, (p) => p.loss),
      },
      {
        name: 'Accuracy',
        type: 'line',
        yAxisIndex: 1,
        showSymbol: showSymbols(series),
        data: pointsOf(series, (p) => (p.accuracy === null ? null : p.accuracy * 100)),
      },
    ],
  }
}

/**
 * Epsilon after each sampled round, the budget as a flat line over the planned rounds, and (while
 * the run takes rounds) the server's projection to the last planned round at the declared settings.
 */
export function buildEpsilonOption(series: Sampled & Pick<RoundSeries, 'projection'>, run: EpsilonRun): ChartOption {
  const lastPlanned = Math.max(0, run.plannedRounds - 1)
  return {
    grid: GRID,
    tooltip: TOOLTIP,
    legend: { top: 0 },
    xAxis: roundAxis(lastPlanned),
    yAxis: { type: 'value', name: 'Epsilon', min: 0 },
    series: [
      {
        name: 'Epsilon spent',
        type: 'line',
        showSymbol: showSymbols(series),
        data: pointsOf(series, (p) => p.epsilonAfter),
      },
      {
        name: 'Projection',
        type: 'line',
        showSymbol: false,
        lineStyle: { type: 'dashed' },
        data: series.projection,
      },
      {
        name: 'Budget',
        type: 'line',
        showSymbol: false,
        lineStyle: { type: 'dotted', width: 2 },
        data: [
          [0, run.dp.epsilonBudget],
          [lastPlanned, run.dp.epsilonBudget],
        ],
      },
    ],
  }
}

/** Above this many rounds on the axis, bars would be under 2 px wide and merge into a block. */
export const DENSE_BARS = 120

/** Participating clients per sampled round: bars, or a stepped line once bars would be too dense. */
export function buildClientsOption(series: Sampled): ChartOption {
  const data = pointsOf(series, (p) => p.clients)
  return {
    grid: GRID,
    tooltip: TOOLTIP,
    xAxis: roundAxis(),
    yAxis: { type: 'value', name: 'Clients', minInterval: 1, min: 0 },
    series: [
      data.length > DENSE_BARS
        ? { name: 'Clients', type: 'line', step: 'middle', showSymbol: false, data }
        : { name: 'Clients', type: 'bar', barMaxWidth: 24, data },
    ],
  }
}
