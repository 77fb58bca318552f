// How training runs read, shared by the training pages and the dashboard: state badges, epsilon
// and the share of the budget spent.
import type { Run, RunState } from '@tg/contracts'
import { NEAR_BUDGET_SHARE } from '@tg/contracts'

type Tone = 'success' | 'warning' | 'error' | 'info' | 'default'

export const RUN_STATE_VIEW: Record<RunState, { label: string; tone: Tone }> = {
  created: { label: 'Created', tone: 'default' },
  running: { label: 'Running', tone: 'info' },
  completed: { label: 'Completed', tone: 'success' },
  stopped: { label: 'Stopped', tone: 'warning' },
  failed: { label: 'Failed', tone: 'error' },
  budget_exhausted: { label: 'Budget exhausted', tone: 'error' },
}

/** The share of the budget at which a run counts as near it (the server's `budget=near`). */
export { NEAR_BUDGET_SHARE }

/** The server stores an unbounded epsilon as the largest double. */
const UNBOUNDED = 1e300
const NUMBER = new Intl.NumberFormat('en', { maximumSignificantDigits: 4 })
const PERCENT = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 0 })

/** "1.234", "0.0001234", "unbounded": epsilon to four significant digits. */
export function formatEpsilon(epsilon: number): string {
  return epsilon >= UNBOUNDED ? 'unbounded' : NUMBER.format(epsilon)
}

export function formatPercent(share: number): string {
  return PERCENT.format(share)
}

type BudgetRun = Pick<Run, 'epsilonSpent'> & { dp: Pick<Run['dp'], 'epsilonBudget'> }

/** The part of the budget spent, 0 to 1 and beyond (a bar caps its drawing at 1). */
export function budgetShareOf(run: BudgetRun): number {
  return run.epsilonSpent / run.dp.epsilonBudget
}

/** How a budget looks: exhausted (state or share), near (80% or more), or within. */
export function budgetLevelOf(run: BudgetRun & Pick<Run, 'state'>): 'within' | 'near' | 'exhausted' {
  const share = budgetShareOf(run)
  if (run.state === 'budget_exhausted' || share >= 1) return 'exhausted'
  return share >= NEAR_BUDGET_SHARE ? 'near' : 'within'
}
