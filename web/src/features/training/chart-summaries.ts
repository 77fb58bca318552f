// Text alternatives of the run's charts (a canvas says nothing to a screen reader): what each
// chart shows, what it samples, and its latest values, in one or two sentences.
import type { RoundSeries, Run } from '@tg/contracts'
import { formatEpsilon, formatPercent } from '@/shared/ui/training-format'
import { formatNumber } from './run-view'

type EpsilonRun = Pick<Run, 'state' | 'plannedRounds' | 'epsilonSpent' | 'roundsRecorded'> & {
  dp: Pick<Run['dp'], 'epsilonBudget'>
}

const COUNT = new Intl.NumberFormat('en')
const ORDINAL = new Intl.PluralRules('en', { type: 'ordinal' })
const SUFFIX: Record<string, string> = { one: 'st', two: 'nd', few: 'rd', other: 'th' }
const ordinal = (n: number) => `${COUNT.format(n)}${SUFFIX[ORDINAL.select(n)] ?? 'th'}`
const rounds = (n: number) => `${COUNT.format(n)} ${n === 1 ? 'round' : 'rounds'}`

/** What the charts show of the run's rounds: all of them, or a sample (and which). */
export function describeSampling(series: RoundSeries): string {
  if (series.lastRoundIndex === null) return 'No round reported yet.'
  if (series.stride === 1) return `Every reported round: ${rounds(series.roundsRecorded)}.`
  return (
    `A sample of ${rounds(series.points.length)}: every ${ordinal(series.stride)} round index from 0 and ` +
    `the latest, of ${rounds(series.roundsRecorded)} reported. The table lists every round.`
  )
}

const reported = (series: RoundSeries) =>
  series.stride === 1
    ? `${rounds(series.roundsRecorded)} reported`
    : `${rounds(series.roundsRecorded)} reported, every ${ordinal(series.stride)} shown`

export function describeLossAccuracy(series: RoundSeries): string {
  const last = series.points.at(-1)
  if (!last) return 'Loss and accuracy per round: no round reported yet.'
  const loss = last.loss === null ? 'loss not reported' : `loss ${formatNumber(last.loss)}`
  const accuracy = last.accuracy === null ? 'accuracy not reported' : `accuracy ${formatPercent(last.accuracy)}`
  return `Loss and accuracy per round, ${reported(series)}. Latest, round ${last.index}: ${loss}, ${accuracy}.`
}

export function describeEpsilon(series: RoundSeries, run: EpsilonRun): string {
  const budget = formatEpsilon(run.dp.epsilonBudget)
  const spent =
    run.roundsRecorded > 0
      ? `epsilon ${formatEpsilon(run.epsilonSpent)} spent over ${rounds(run.roundsRecorded)} (${formatPercent(run.epsilonSpent / run.dp.epsilonBudget)} of the budget).`
      : 'no round reported yet.'
  const projection = series.projection.at(-1)
  const projected = projection
    ? ` Projected at the ${COUNT.format(run.plannedRounds)} planned rounds: epsilon ${formatEpsilon(projection[1])}.`
    : ''
  const exhausted = run.state === 'budget_exhausted' ? ' The budget is exhausted: the run takes no more rounds.' : ''
  return `Epsilon per round against the budget of ${budget}: ${spent}${projected}${exhausted}`
}

export function describeClients(series: RoundSeries): string {
  const last = series.points.at(-1)
  if (!last) return 'Participating clients per round: no round reported yet.'
  return `Participating clients per round, ${reported(series)}. Latest, round ${last.index}: ${last.clients} ${last.clients === 1 ? 'client' : 'clients'}.`
}
