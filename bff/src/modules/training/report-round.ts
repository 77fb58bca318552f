// Reporting a round: validated against the run's declared settings, accounted by adding the
// round's RDP to the run's vector (constant cost whatever the run's length or mix of settings),
// refused past the budget, recorded with its epsilon, audited and published in one transaction.
import { createHash } from 'node:crypto'
import { and, eq, sql } from 'drizzle-orm'
import canonicalize from 'canonicalize'
import type { ReportRoundBody, RoundReceipt, RunState } from '@tg/contracts'
import { trainingRounds, trainingRuns } from '../../db/schema'
import type { Tx } from '../../db/client'
import { AppError, conflict, notFound } from '../../lib/errors'
import type { AuditContext } from '../audit/record'
import { perStepVector } from './accountant/pool'
import { exhaustBudget } from './exhaust-budget'
import { addSteps, epsilonOfRdp, finite, isCurrentRdp, orderOf, projectEpsilon } from './ledger'
import type { RdpVector } from './ledger'
import { isFinal, publish, requireRun } from './context'
import type { TrainingDeps } from './context'
import { toRound } from './repo'
import type { RunRow } from './repo'

/** What makes a report the same report: its canonical JSON. */
const reportHashOf = (body: ReportRoundBody) =>
  createHash('sha256')
    .update(canonicalize(body) ?? '')
    .digest('hex')

function weakerPrivacy(run: RunRow, body: ReportRoundBody) {
  const issues: Array<{ path: string; message: string }> = []
  if (body.noiseMultiplier < run.noiseMultiplier)
    issues.push({
      path: 'noiseMultiplier',
      message: `The round used noise ${body.noiseMultiplier}, below the run's declared ${run.noiseMultiplier}.`,
    })
  if (body.sampleRate > run.sampleRate)
    issues.push({
      path: 'sampleRate',
      message: `The round sampled at ${body.sampleRate}, above the run's declared ${run.sampleRate}.`,
    })
  if (body.clippingNorm > run.clippingNorm)
    issues.push({
      path: 'clippingNorm',
      message: `The round clipped at ${body.clippingNorm}, above the run's declared ${run.clippingNorm}.`,
    })
  return issues
}

/** Checks on the run's declared (never changing) settings: before any accounting work. */
function checkAgainstPlan(run: RunRow, body: ReportRoundBody) {
  if (body.index >= run.plannedRounds)
    throw new AppError('VALIDATION_FAILED', `Round ${body.index} is beyond the ${run.plannedRounds} planned rounds.`, {
      issues: [{ path: 'index', message: `Use an index from 0 to ${run.plannedRounds - 1}.` }],
    })
  const weaker = weakerPrivacy(run, body)
  if (weaker.length > 0)
    throw new AppError(
      'VALIDATION_FAILED',
      `The round used weaker privacy than the run declared. ${weaker[0]!.message}`,
      {
        issues: weaker,
      },
    )
}

type Vectors = { round: RdpVector; declared: RdpVector }
type Outcome =
  | { kind: 'recorded' | 'replayed'; run: RunRow; round: typeof trainingRounds.$inferSelect }
  | { kind: 'exhausted'; run: RunRow; wouldBe: number | null }

async function record(
  deps: TrainingDeps,
  tx: Tx,
  ctx: AuditContext,
  input: { run: RunRow; body: ReportRoundBody; reportHash: string; vectors: Vectors },
): Promise<Outcome> {
  const { run, body, vectors } = input
  if (!isCurrentRdp(run.rdp)) throw new Error(`the ledger of run ${run.id} was not rebuilt`)
  const rdp = addSteps(run.rdp, vectors.round, body.steps)
  const after = epsilonOfRdp(rdp, run.delta)
  if (after.epsilon > run.epsilonBudget) return { kind: 'exhausted', run, wouldBe: finite(after.epsilon) }
  const epsilonSpent = finite(after.epsilon)
  const [round] = await tx
    .insert(trainingRounds)
    .values({
      runId: run.id,
      index: body.index,
      clients: body.clients,
      steps: body.steps,
      sampleRate: body.sampleRate,
      noiseMultiplier: body.noiseMultiplier,
      clippingNorm: body.clippingNorm,
      metrics: body.metrics,
      startedAt: new Date(body.startedAt),
      endedAt: new Date(body.endedAt),
      reportedBy: ctx.actor.name,
      reportHash: input.reportHash,
      epsilonAfter: epsilonSpent,
    })
    .returning()
  const roundsRecorded = run.roundsRecorded + 1
  const state: RunState = roundsRecorded >= run.plannedRounds ? 'completed' : 'running'
  const plan = { ...run, roundsRecorded }
  const [updated] = await tx
    .update(trainingRuns)
    .set({
      rdp,
      epsilonSpent,
      epsilonOrder: orderOf(after.order),
      projectedEpsilon: projectEpsilon(rdp, vectors.declared, plan),
      roundsRecorded,
      lastRoundIndex: Math.max(run.lastRoundIndex ?? -1, body.index),
      lastReportAt: sql`now()`,
      state,
      ...(state === 'completed' ? { endedAt: sql`now()` } : {}),
    })
    .where(eq(trainingRuns.id, run.id))
    .returning()
  const { index, steps, sampleRate, noiseMultiplier } = body
  await deps.audit.record(tx, ctx, {
    action: 'training.round_recorded',
    resourceType: 'training_run',
    resourceId: run.id,
    outcome: 'success',
    details: { index, steps, sampleRate, noiseMultiplier, epsilonSpent },
  })
  if (state === 'completed')
    await deps.audit.record(tx, ctx, {
      action: 'training.run_completed',
      resourceType: 'training_run',
      resourceId: run.id,
      outcome: 'success',
      details: { name: run.name, rounds: roundsRecorded, epsilonSpent },
    })
  await publish(deps, tx, { type: 'round', runId: run.id, index, epsilonSpent, state })
  return { kind: 'recorded', run: updated!, round: round! }
}

export async function reportRound(
  deps: TrainingDeps,
  ctx: AuditContext,
  runId: string,
  body: ReportRoundBody,
): Promise<RoundReceipt> {
  const reportHash = reportHashOf(body)
  // The declared settings never change: check them, and compute the per-step vectors (in worker
  // threads, or from the cache) before the run's row is locked.
  const planned = await requireRun(deps.db, runId)
  checkAgainstPlan(planned, body)
  const [round, declared] = await Promise.all([perStepVector(body), perStepVector(planned)])
  // Group committed: the rounds that arrive together (of any runs) share one transaction.
  const outcome = await deps.audit.transaction(async (tx): Promise<Outcome> => {
    // The run, locked, and the round of this index if it was reported before: one statement.
    const [found] = await tx
      .select({ run: trainingRuns, existing: trainingRounds })
      .from(trainingRuns)
      .leftJoin(trainingRounds, and(eq(trainingRounds.runId, trainingRuns.id), eq(trainingRounds.index, body.index)))
      .where(eq(trainingRuns.id, runId))
      .for('update', { of: trainingRuns })
    if (!found) throw notFound('Training run')
    const { run, existing } = found
    if (existing) {
      if (existing.reportHash !== reportHash)
        throw conflict(`Round ${body.index} was reported before with different values.`, { field: 'index' })
      return { kind: 'replayed', run, round: existing }
    }
    if (run.state === 'budget_exhausted') return { kind: 'exhausted', run, wouldBe: null }
    if (isFinal(run.state)) throw conflict(`The run is ${run.state}: it takes no more rounds.`)
    return record(deps, tx, ctx, { run, body, reportHash, vectors: { round, declared } })
  })
  if (outcome.kind === 'exhausted') return exhaustBudget(deps, ctx, outcome.run, body, outcome.wouldBe)
  return {
    round: toRound(outcome.round),
    run: { state: outcome.run.state, epsilonSpent: outcome.run.epsilonSpent, epsilonBudget: outcome.run.epsilonBudget },
    replayed: outcome.kind === 'replayed',
  }
}
