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
import { TRAINING_CHANNEL, isFinal } from './context'
import type { TrainingDeps } from './context'
import { toRound } from './repo'
import type { RoundRow, RunRow } from './repo'
import { declaredPlan } from './run-plans'
import type { DeclaredPlan } from './run-plans'

/** What makes a report the same report: its canonical JSON. */
const reportHashOf = (body: ReportRoundBody) =>
  createHash('sha256')
    .update(canonicalize(body) ?? '')
    .digest('hex')

function weakerPrivacy(run: DeclaredPlan, body: ReportRoundBody) {
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
function checkAgainstPlan(run: DeclaredPlan, body: ReportRoundBody) {
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
/** What the receipt says of the run once the round is recorded. */
type RunAfter = Pick<RunRow, 'state' | 'epsilonSpent' | 'epsilonBudget'>
type Outcome =
  | { kind: 'recorded' | 'replayed'; run: RunAfter; round: RoundRow }
  | { kind: 'exhausted'; run: RunRow; wouldBe: number | null }

const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows

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
  const roundsRecorded = run.roundsRecorded + 1
  const state: RunState = roundsRecorded >= run.plannedRounds ? 'completed' : 'running'
  const plan = { ...run, roundsRecorded }
  const round = {
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
  }
  const { index, steps, sampleRate, noiseMultiplier } = body
  // The round, the run's ledger and its live event: one statement (data-modifying WITH), one
  // round trip on the batch's connection instead of three. Its time is the transaction's.
  const inserted = tx.insert(trainingRounds).values(round).returning({ receivedAt: trainingRounds.receivedAt })
  const updated = tx
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
  const event = deps.events.appendStatement(TRAINING_CHANNEL, {
    type: 'round',
    runId: run.id,
    index,
    epsilonSpent,
    state,
  })
  const [written] = rowsOf<{ received_ms: number | string }>(
    await tx.execute(sql`
      with round as (${inserted.getSQL()}), run as (${updated.getSQL()}), event as (${event})
      select (extract(epoch from received_at) * 1000)::float8 as received_ms from round`),
  )
  if (!written) throw new Error(`round ${body.index} of run ${run.id} was not written`)
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
  return {
    kind: 'recorded',
    run: { state, epsilonSpent, epsilonBudget: run.epsilonBudget },
    round: { ...round, receivedAt: new Date(Number(written.received_ms)) },
  }
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
  const planned = await declaredPlan(deps.db, runId)
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
