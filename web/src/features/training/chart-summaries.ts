// Text alternatives of the run's charts (a canvas says nothing to a screen reader): what each
// chart shows and its latest values, in one or two sentences.
import type { Round, Run } from '@tg/contracts'
import { byIndex } from './chart-options'
import { projectEpsilon } from './projection'
import { formatEpsilon, formatPercent } from '@/shared/ui/training-format'
import { formatNumber } from './run-view'

type EpsilonRun = Parameters<typeof projectEpsilon>[1] & { dp: Pick<Run['dp'], 'epsilonBudget'> }

const countOf = (rounds: readonly Round[]) => `${rounds.length} ${rounds.length === 1 ? 'round' : 'rounds'} reported`

export function describeLossAccuracy(rounds: readonly Round[]): string {
  const last = byIndex(rounds).at(-1)
  if (!last) return 'Loss and accuracy per round: no round reported yet.'
  const loss = typeof last.metrics.loss === 'number' ? `loss ${formatNumber(last.metrics.loss)}` : 'loss not reported'
  const accuracy =
    typeof last.metrics.accuracy === 'number'
      ? `accuracy ${formatPercent(last.metrics.accuracy)}`
      : 'accuracy not reported'
  return `Loss and accuracy per round, ${countOf(rounds)}. Latest, round ${last.index}: ${loss}, ${accuracy}.`
}

export function describeEpsilon(rounds: readonly Round[], run: EpsilonRun): string {
  const budget = formatEpsilon(run.dp.epsilonBudget)
  const last = byIndex(rounds).at(-1)
  const spent = last
    ? `after round ${last.index}, epsilon ${formatEpsilon(last.epsilonAfter)} (${formatPercent(last.epsilonAfter / run.dp.epsilonBudget)} of the budget).`
    : 'no round reported yet.'
  const projection = projectEpsilon(rounds, run).at(-1)
  const projected = projection
    ? ` Projected at the ${run.plannedRounds} planned rounds: epsilon ${formatEpsilon(projection[1])}.`
    : ''
  const exhausted = run.state === 'budget_exhausted' ? ' The budget is exhausted: the run takes no more rounds.' : ''
  return `Epsilon per round against the budget of ${budget}: ${spent}${projected}${exhausted}`
}

export function describeClients(rounds: readonly Round[]): string {
  const last = byIndex(rounds).at(-1)
  if (!last) return 'Participating clients per round: no round reported yet.'
  return `Participating clients per round, ${countOf(rounds)}. Latest, round ${last.index}: ${last.clients} ${last.clients === 1 ? 'client' : 'clients'}.`
}
