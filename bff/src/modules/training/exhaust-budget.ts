import { eq, sql } from 'drizzle-orm'
import type { ReportRoundBody } from '@tg/contracts'
import { trainingRuns } from '../../db/schema'
import { AppError } from '../../lib/errors'
import type { AuditContext } from '../audit/record'
import { emit } from '../integrations/emit'
import { publish, requireRun } from './context'
import type { TrainingDeps } from './context'
import type { RunRow } from './repo'

/** Refuses a round past the budget: the run becomes budget_exhausted, both audited, in one transaction. */
export async function exhaustBudget(
  deps: TrainingDeps,
  ctx: AuditContext,
  run: RunRow,
  body: ReportRoundBody,
  wouldBe: number | null,
): Promise<never> {
  await deps.db.transaction(async (tx) => {
    const locked = await requireRun(tx, run.id, true)
    await deps.audit.record(tx, ctx, {
      action: 'training.round_refused',
      resourceType: 'training_run',
      resourceId: run.id,
      outcome: 'denied',
      details: {
        index: body.index,
        reason: 'budget_exhausted',
        epsilonSpent: locked.epsilonSpent,
        epsilonWouldBe: wouldBe,
        epsilonBudget: locked.epsilonBudget,
      },
    })
    if (locked.state === 'budget_exhausted') return
    await tx
      .update(trainingRuns)
      .set({
        state: 'budget_exhausted',
        stateReason: `Round ${body.index} would have spent epsilon ${wouldBe?.toPrecision(4)} of the budget ${locked.epsilonBudget}.`,
        endedAt: sql`now()`,
      })
      .where(eq(trainingRuns.id, run.id))
    await deps.audit.record(tx, ctx, {
      action: 'training.run_budget_exhausted',
      resourceType: 'training_run',
      resourceId: run.id,
      outcome: 'success',
      details: {
        name: locked.name,
        epsilonSpent: locked.epsilonSpent,
        epsilonBudget: locked.epsilonBudget,
        refusedRound: body.index,
      },
    })
    await publish(deps, tx, { type: 'run', runId: run.id, state: 'budget_exhausted' })
    await emit(tx, 'training.budget_exhausted', {
      id: run.id,
      name: locked.name,
      epsilonSpent: locked.epsilonSpent,
      epsilonBudget: locked.epsilonBudget,
      refusedRound: body.index,
    })
  })
  if (wouldBe === null)
    throw new AppError(
      'BUDGET_EXHAUSTED',
      `The run's privacy budget of ${run.epsilonBudget} is spent: it takes no more rounds.`,
      { epsilonSpent: run.epsilonSpent, epsilonWouldBe: null, epsilonBudget: run.epsilonBudget },
    )
  throw new AppError(
    'BUDGET_EXHAUSTED',
    `Round ${body.index} would bring epsilon to ${wouldBe.toPrecision(4)}, past the run's budget of ${run.epsilonBudget}. The run is stopped at its budget.`,
    { epsilonSpent: run.epsilonSpent, epsilonWouldBe: wouldBe, epsilonBudget: run.epsilonBudget },
  )
}
