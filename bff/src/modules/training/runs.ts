// Creating, ending and previewing runs. The accountant's vectors come from worker threads.
import { eq, sql } from 'drizzle-orm'
import { EPSILON_WARNING_ABOVE } from '@tg/contracts'
import type { CreateRunBody, PreviewRoundBody, Run, RoundPreview } from '@tg/contracts'
import { trainingRuns } from '../../db/schema'
import { conflict } from '../../lib/errors'
import type { AuditContext } from '../audit/record'
import { perStepVector } from './accountant/pool'
import { isFinal, publish, requireRun } from './context'
import type { TrainingDeps } from './context'
import { addSteps, emptyRdp, epsilonOfRdp, finite, isCurrentRdp, orderOf, projectEpsilon } from './ledger'
import { toRun } from './repo'

function runWarnings(body: CreateRunBody, planned: number): string[] {
  const warnings: string[] = []
  if (body.dp.epsilonBudget > EPSILON_WARNING_ABOVE)
    warnings.push(
      `An epsilon budget of ${body.dp.epsilonBudget} is above ${EPSILON_WARNING_ABOVE}: it gives little privacy protection.`,
    )
  if (planned > body.dp.epsilonBudget)
    warnings.push(
      `At the declared settings the ${body.plannedRounds} planned rounds would spend epsilon ${planned.toPrecision(3)}, above the budget of ${body.dp.epsilonBudget}: the run will be stopped at its budget before the last round.`,
    )
  return warnings
}

export async function createRun(deps: TrainingDeps, ctx: AuditContext, body: CreateRunBody): Promise<Run> {
  const declared = await perStepVector(body.dp)
  const rdp = emptyRdp()
  const planned = projectEpsilon(rdp, declared, { ...body, roundsRecorded: 0, delta: body.dp.delta })
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(trainingRuns)
      .values({
        name: body.name,
        baseModel: body.baseModel,
        adapter: body.adapter,
        plannedRounds: body.plannedRounds,
        stepsPerRound: body.stepsPerRound,
        noiseMultiplier: body.dp.noiseMultiplier,
        clippingNorm: body.dp.clippingNorm,
        sampleRate: body.dp.sampleRate,
        delta: body.dp.delta,
        epsilonBudget: body.dp.epsilonBudget,
        datasetSize: body.dp.datasetSize,
        state: 'created',
        warnings: runWarnings(body, planned),
        rdp,
        projectedEpsilon: planned,
        createdBy: ctx.actor.name,
      })
      .returning()
    if (!row) throw new Error('insert returned no row')
    await deps.audit.record(tx, ctx, {
      action: 'training.run_created',
      resourceType: 'training_run',
      resourceId: row.id,
      outcome: 'success',
      details: { name: row.name, baseModel: row.baseModel, plannedRounds: row.plannedRounds, dp: body.dp },
    })
    await publish(deps, tx, { type: 'run', runId: row.id, state: 'created' })
    return toRun(row)
  })
}

export async function endRun(
  deps: TrainingDeps,
  ctx: AuditContext,
  runId: string,
  state: 'stopped' | 'failed',
  reason: string,
): Promise<Run> {
  return deps.db.transaction(async (tx) => {
    const run = await requireRun(tx, runId, true)
    if (isFinal(run.state)) throw conflict(`The run is ${run.state.replace('_', ' ')} already.`)
    const [after] = await tx
      .update(trainingRuns)
      .set({ state, stateReason: reason || null, endedAt: sql`now()` })
      .where(eq(trainingRuns.id, runId))
      .returning()
    await deps.audit.record(tx, ctx, {
      action: state === 'stopped' ? 'training.run_stopped' : 'training.run_failed',
      resourceType: 'training_run',
      resourceId: runId,
      outcome: 'success',
      details: { name: run.name, from: run.state, reason },
    })
    await publish(deps, tx, { type: 'run', runId, state })
    return toRun(after!)
  })
}

export async function previewRound(deps: TrainingDeps, runId: string, body: PreviewRoundBody): Promise<RoundPreview> {
  const run = await requireRun(deps.db, runId)
  if (!isCurrentRdp(run.rdp)) throw new Error(`the ledger of run ${run.id} was not rebuilt`)
  const perStep = await perStepVector({
    sampleRate: body.sampleRate ?? run.sampleRate,
    noiseMultiplier: body.noiseMultiplier ?? run.noiseMultiplier,
  })
  const after = epsilonOfRdp(addSteps(run.rdp, perStep, body.steps), run.delta)
  return {
    epsilonBefore: run.epsilonSpent,
    epsilonAfter: finite(after.epsilon),
    epsilonBudget: run.epsilonBudget,
    order: orderOf(after.order),
    wouldExceed: after.epsilon > run.epsilonBudget,
  }
}
