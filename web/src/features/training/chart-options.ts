// Pure ECharts options for a run's charts, from its rounds (in any order) and the run itself.
// x is the round index on a value axis; a round that was not reported breaks the line (null).
import type { Round, Run } from '@tg/contracts'
import type { ChartOption } from '@/shared/charts/echarts'
import { projectEpsilon } from './projection'

type Point = [number, number | null]
type EpsilonRun = Parameters<typeof projectEpsilon>[1] & { dp: Pick<Run['dp'], 'epsilonBudget'> }

const GRID = { left: 56, right: 56, top: 56, bottom: 40, containLabel: false }
const TOOLTIP = { trigger: 'axis' as const }

export function byIndex<R extends Pick<Round, 'index'>>(rounds: readonly R[]): R[] {
  return [...rounds].sort((a, b) => a.index - b.index)
}

/** One point per round, with a break (null) where rounds are missing. */
function pointsOf<R extends Pick<Round, 'index'>>(rounds: readonly R[], value: (round: R) => number | null): Point[] {
  const points: Point[] = []
  let previous: number | null = null
  for (const round of byIndex(rounds)) {
    if (previous !== null && round.index > previous + 1) points.push([previous + 1, null])
    const y = value(round)
    points.push([round.index, y !== null && Number.isFinite(y) ? y : null])
    previous = round.index
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

/** Loss (left axis) and accuracy in percent (right axis) per round. */
export function buildLossAccuracyOption(rounds: readonly Round[]): ChartOption {
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
        showSymbol: rounds.length < 60,
        data: pointsOf(rounds, (r) => r.metrics.loss ?? null),
      },
      {
        name: 'Accuracy',
        type: 'line',
        yAxisIndex: 1,
        showSymbol: rounds.length < 60,
        data: pointsOf(rounds, (r) => (typeof r.metrics.accuracy === 'number' ? r.metrics.accuracy * 100 : null)),
      },
    ],
  }
}

/**
 * Epsilon after each round, the budget as a flat line over the planned rounds, and (while the
 * run takes rounds) the projection to the last planned round at the declared settings.
 */
export function buildEpsilonOption(rounds: readonly Round[], run: EpsilonRun): ChartOption {
  const lastPlanned = Math.max(0, run.plannedRounds - 1)
  const projection = projectEpsilon(rounds, run).map(([x, y]): Point => [x, Number.isFinite(y) ? y : null])
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
        showSymbol: rounds.length < 60,
        data: pointsOf(rounds, (r) => r.epsilonAfter),
      },
      {
        name: 'Projection',
        type: 'line',
        showSymbol: false,
        lineStyle: { type: 'dashed' },
        data: projection,
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

/** Participating clients per round, as bars. */
export function buildClientsOption(rounds: readonly Round[]): ChartOption {
  return {
    grid: GRID,
    tooltip: TOOLTIP,
    xAxis: roundAxis(),
    yAxis: { type: 'value', name: 'Clients', minInterval: 1, min: 0 },
    series: [{ name: 'Clients', type: 'bar', barMaxWidth: 24, data: pointsOf(rounds, (r) => r.clients) }],
  }
}
