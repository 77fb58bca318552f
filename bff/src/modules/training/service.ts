import { createHash } from 'node:crypto'
import { and, desc, eq, inArray, sql } from 'drizzle-orm'
import canonicalize from 'canonicalize'
import type {
  ComponentHealth,
  CreateAgentKeyBody,
  CreatedApiKey,
  CreateRunBody,
  FailRunBody,
  ListRunsQuery,
  PreviewRoundBody,
  ReportRoundBody,
  RoundList,
  RoundPreview,
  RoundReceipt,
  Run,
  RunPage,
  RunState,
  StopRunBody,
  TrainingEvent,
  TrainingOverview,
} from '@tg/contracts'
import { EPSILON_WARNING_ABOVE, FINAL_RUN_STATES } from '@tg/contracts'
import type { Db, Executor } from '../../db/client'
import { trainingRounds, trainingRuns } from '../../db/schema'
import type { EventBus } from '../../lib/events'
import { AppError, conflict, notFound } from '../../lib/errors'
import { insertApiKey } from '../admin/service'
import type { AuditContext, AuditLog } from '../audit/record'
import { addToGroups, epsilonOf, finite, orderOf, projectEpsilon } from './ledger'
import type { RdpGroup } from './ledger'
import { NEAR_BUDGET, epsilonUpTo, findRunRow, latestRounds, listRounds, listRuns, toRound, toRun } from './repo'
import type { RunRow } from './repo'

export const TRAINING_CHANNEL = 'tg_training'

export interface TrainingService {
  listRuns(query: ListRunsQuery): Promise<RunPage>
  createRun(ctx: AuditContext, body: CreateRunBody): Promise<Run>
  getRun(runId: string): Promise<Run>
  stopRun(ctx: AuditContext, runId: string, body: StopRunBody): Promise<Run>
  failRun(ctx: AuditContext, runId: string, body: FailRunBody): Promise<Run>
  listRounds(runId: string): Promise<RoundList>
  reportRound(ctx: AuditContext, runId: string, body: ReportRoundBody): Promise<RoundReceipt>
  previewRound(runId: string, body: PreviewRoundBody): Promise<RoundPreview>
  createAgentKey(ctx: AuditContext, runId: string, body: CreateAgentKeyBody): Promise<CreatedApiKey>
  overview(): Promise<TrainingOverview>
  /** Live events (optionally of one run); returns the way to stop. */
  subscribe(runId: string | undefined, onEvent: (event: TrainingEvent) => void): Promise<() => void>
  health(): Promise<ComponentHealth>
  /** Aborted when the server shuts down: live streams end. */
  readonly closed: AbortSignal
}

type Deps = { db: Db; audit: AuditLog; events: EventBus; hashSecret: (s: string) => string }

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`
async function epsilonAfterIndex(ex: Executor, run: RunRow, index: number): Promise<number> {
  const epsilons = await epsilonUpTo(ex, [{ runId: run.id, index, delta: run.delta }])
  return epsilons.get(`${run.id}:${index}`) ?? 0
}

const isFinal = (state: RunState) => FINAL_RUN_STATES.includes(state)

function runWarnings(body: CreateRunBody): string[] {
  const warnings: string[] = []
  if (body.dp.epsilonBudget > EPSILON_WARNING_ABOVE)
    warnings.push(
      `An epsilon budget of ${body.dp.epsilonBudget} is above ${EPSILON_WARNING_ABOVE}: it gives little privacy protection.`,
    )
  const planned = projectEpsilon([], {
    ...body.dp,
    plannedRounds: body.plannedRounds,
    roundsRecorded: 0,
    stepsPerRound: body.stepsPerRound,
  })
  if (planned > body.dp.epsilonBudget)
    warnings.push(
      `At the declared settings the ${body.plannedRounds} planned rounds would spend epsilon ${planned.toPrecision(3)}, above the budget of ${body.dp.epsilonBudget}: the run will be stopped at its budget before the last round.`,
    )
  return warnings
}

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

export function createTrainingService({ db, audit, events, hashSecret }: Deps): TrainingService {
  const publish = (tx: Executor, event: TrainingEvent) => events.publish(tx, TRAINING_CHANNEL, event)

  async function requireRun(ex: Executor, runId: string, forUpdate = false) {
    const row = await findRunRow(ex, runId, forUpdate)
    if (!row) throw notFound('Training run')
    return row
  }

  async function endRun(ctx: AuditContext, runId: string, state: 'stopped' | 'failed', reason: string) {
    return db.transaction(async (tx) => {
      const run = await requireRun(tx, runId, true)
      if (isFinal(run.state)) throw conflict(`The run is ${run.state.replace('_', ' ')} already.`)
      const [after] = await tx
        .update(trainingRuns)
        .set({ state, stateReason: reason || null, endedAt: sql`now()` })
        .where(eq(trainingRuns.id, runId))
        .returning()
      await audit.record(tx, ctx, {
        action: state === 'stopped' ? 'training.run_stopped' : 'training.run_failed',
        resourceType: 'training_run',
        resourceId: runId,
        outcome: 'success',
        details: { name: run.name, from: run.state, reason },
      })
      await publish(tx, { type: 'run', runId, state })
      return toRun(after!)
    })
  }

  /** Refuses a round past the budget: the run becomes budget_exhausted, both audited, in one transaction. */
  async function exhaust(
    ctx: AuditContext,
    run: RunRow,
    body: ReportRoundBody,
    wouldBe: number | null,
  ): Promise<never> {
    await db.transaction(async (tx) => {
      const locked = await requireRun(tx, run.id, true)
      await audit.record(tx, ctx, {
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
      await audit.record(tx, ctx, {
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
      await publish(tx, { type: 'run', runId: run.id, state: 'budget_exhausted' })
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

  return {
    listRuns: (query) => listRuns(db, query),

    async createRun(ctx, body) {
      return db.transaction(async (tx) => {
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
            warnings: runWarnings(body),
            rdpGroups: [],
            createdBy: ctx.actor.name,
          })
          .returning()
        if (!row) throw new Error('insert returned no row')
        await audit.record(tx, ctx, {
          action: 'training.run_created',
          resourceType: 'training_run',
          resourceId: row.id,
          outcome: 'success',
          details: { name: row.name, baseModel: row.baseModel, plannedRounds: row.plannedRounds, dp: body.dp },
        })
        await publish(tx, { type: 'run', runId: row.id, state: 'created' })
        return toRun(row)
      })
    },

    getRun: async (runId) => toRun(await requireRun(db, runId)),
    stopRun: (ctx, runId, body) => endRun(ctx, runId, 'stopped', body.reason),
    failRun: (ctx, runId, body) => endRun(ctx, runId, 'failed', body.reason),
    listRounds: async (runId) => listRounds(db, await requireRun(db, runId)),

    async reportRound(ctx, runId, body) {
      const reportHash = reportHashOf(body)
      const outcome = await db.transaction(async (tx) => {
        const run = await requireRun(tx, runId, true)
        const [existing] = await tx
          .select()
          .from(trainingRounds)
          .where(and(eq(trainingRounds.runId, runId), eq(trainingRounds.index, body.index)))
        if (existing) {
          if (existing.reportHash !== reportHash)
            throw conflict(`Round ${body.index} was reported before with different values.`, { field: 'index' })
          return {
            kind: 'replayed' as const,
            run,
            round: existing,
            epsilonAfter: await epsilonAfterIndex(tx, run, body.index),
          }
        }
        if (run.state === 'budget_exhausted') return { kind: 'exhausted' as const, run, wouldBe: null }
        if (isFinal(run.state)) throw conflict(`The run is ${run.state}: it takes no more rounds.`)
        if (body.index >= run.plannedRounds)
          throw new AppError(
            'VALIDATION_FAILED',
            `Round ${body.index} is beyond the ${run.plannedRounds} planned rounds.`,
            {
              issues: [{ path: 'index', message: `Use an index from 0 to ${run.plannedRounds - 1}.` }],
            },
          )
        const weaker = weakerPrivacy(run, body)
        if (weaker.length > 0)
          throw new AppError(
            'VALIDATION_FAILED',
            `The round used weaker privacy than the run declared. ${weaker[0]!.message}`,
            {
              issues: weaker,
            },
          )

        const groups = run.rdpGroups as RdpGroup[]
        const after = epsilonOf(addToGroups(groups, body), run.delta)
        if (after.epsilon > run.epsilonBudget)
          return { kind: 'exhausted' as const, run, wouldBe: finite(after.epsilon) }

        const [round] = await tx
          .insert(trainingRounds)
          .values({
            runId,
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
            reportHash,
          })
          .returning()
        const roundsRecorded = run.roundsRecorded + 1
        const state: RunState = roundsRecorded >= run.plannedRounds ? 'completed' : 'running'
        const [updated] = await tx
          .update(trainingRuns)
          .set({
            rdpGroups: addToGroups(groups, body),
            epsilonSpent: finite(after.epsilon),
            epsilonOrder: orderOf(after.order),
            roundsRecorded,
            lastRoundIndex: Math.max(run.lastRoundIndex ?? -1, body.index),
            lastReportAt: sql`now()`,
            state,
            ...(state === 'completed' ? { endedAt: sql`now()` } : {}),
          })
          .where(eq(trainingRuns.id, runId))
          .returning()
        await audit.record(tx, ctx, {
          action: 'training.round_recorded',
          resourceType: 'training_run',
          resourceId: runId,
          outcome: 'success',
          details: {
            index: body.index,
            steps: body.steps,
            sampleRate: body.sampleRate,
            noiseMultiplier: body.noiseMultiplier,
            epsilonSpent: finite(after.epsilon),
          },
        })
        if (state === 'completed')
          await audit.record(tx, ctx, {
            action: 'training.run_completed',
            resourceType: 'training_run',
            resourceId: runId,
            outcome: 'success',
            details: { name: run.name, rounds: roundsRecorded, epsilonSpent: finite(after.epsilon) },
          })
        await publish(tx, { type: 'round', runId, index: body.index, epsilonSpent: finite(after.epsilon), state })
        // In index order the round's epsilon is the run's; reported late, it is summed up to its index.
        const epsilonAfter =
          body.index > (run.lastRoundIndex ?? -1) ? finite(after.epsilon) : await epsilonAfterIndex(tx, run, body.index)
        return { kind: 'recorded' as const, run: updated!, round: round!, epsilonAfter }
      })
      if (outcome.kind === 'exhausted') return exhaust(ctx, outcome.run, body, outcome.wouldBe)
      return {
        round: toRound(outcome.round, outcome.epsilonAfter),
        run: {
          state: outcome.run.state,
          epsilonSpent: outcome.run.epsilonSpent,
          epsilonBudget: outcome.run.epsilonBudget,
        },
        replayed: outcome.kind === 'replayed',
      }
    },

    async previewRound(runId, body) {
      const run = await requireRun(db, runId)
      const after = epsilonOf(
        addToGroups(run.rdpGroups as RdpGroup[], {
          steps: body.steps,
          sampleRate: body.sampleRate ?? run.sampleRate,
          noiseMultiplier: body.noiseMultiplier ?? run.noiseMultiplier,
        }),
        run.delta,
      )
      return {
        epsilonBefore: run.epsilonSpent,
        epsilonAfter: finite(after.epsilon),
        epsilonBudget: run.epsilonBudget,
        order: orderOf(after.order),
        wouldExceed: after.epsilon > run.epsilonBudget,
      }
    },

    async createAgentKey(ctx, runId, body) {
      return db.transaction(async (tx) => {
        const run = await requireRun(tx, runId)
        if (isFinal(run.state)) throw conflict(`The run is ${run.state.replace('_', ' ')}: it takes no more rounds.`)
        return insertApiKey(tx, audit, hashSecret, ctx, { name: body.name, roles: [], scopeRunId: runId })
      })
    },

    async overview() {
      const [active, near, latest] = await Promise.all([
        db
          .select()
          .from(trainingRuns)
          .where(inArray(trainingRuns.state, ['created', 'running']))
          .orderBy(sql`${trainingRuns.lastReportAt} desc nulls last`, desc(trainingRuns.createdAt))
          .limit(10),
        db
          .select()
          .from(trainingRuns)
          .where(
            sql`${trainingRuns.epsilonSpent} >= ${trainingRuns.epsilonBudget} * ${NEAR_BUDGET} or ${trainingRuns.state} = 'budget_exhausted'`,
          )
          .orderBy(sql`${trainingRuns.epsilonSpent} / ${trainingRuns.epsilonBudget} desc`)
          .limit(10),
        latestRounds(db, 10),
      ])
      return { active: active.map(toRun), nearBudget: near.map(toRun), latestRounds: latest }
    },

    async subscribe(runId, onEvent) {
      return events.subscribe(TRAINING_CHANNEL, (payload) => {
        const event = JSON.parse(payload) as TrainingEvent
        if (!runId || event.runId === runId) onEvent(event)
      })
    },

    closed: events.closed,

    async health() {
      const started = performance.now()
      const [counts] = await db
        .select({
          active: sql<number>`count(*) filter (where ${trainingRuns.state} in ('created', 'running'))::int`,
          total: sql<number>`count(*)::int`,
        })
        .from(trainingRuns)
      return {
        name: 'training',
        label: 'Training',
        kind: 'module',
        status: 'ok',
        message: `${plural(counts?.total ?? 0, 'run')}, ${counts?.active ?? 0} active`,
        latencyMs: Math.round((performance.now() - started) * 100) / 100,
      }
    },
  }
}
