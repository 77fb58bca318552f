// The training module's interface, bound to its use cases (one file each).
import type { LiveFeed } from '../../lib/event-stream'
import { desc, inArray, sql } from 'drizzle-orm'
import type {
  ComponentHealth,
  CreateAgentKeyBody,
  CreatedApiKey,
  CreateRunBody,
  FailRunBody,
  ListRoundsQuery,
  ListRunsQuery,
  PreviewRoundBody,
  ReportRoundBody,
  RoundPage,
  RoundPreview,
  RoundReceipt,
  RoundSeries,
  RoundSeriesQuery,
  Run,
  RunPage,
  ReportRunPackageBody,
  StopRunBody,
  UpdateRunAnnotationsBody,
  TrainingEvent,
  TrainingOverview,
} from '@tg/contracts'
import { trainingRuns } from '../../db/schema'
import { conflict } from '../../lib/errors'
import { insertApiKey } from '../admin/service'
import type { AuditContext } from '../audit/record'
import { accountantStats } from './accountant/pool'
import { TRAINING_CHANNEL, isFinal, requireRun } from './context'
import type { TrainingDeps } from './context'
import { updateAnnotations } from './annotations'
import { rebuildLedgers } from './ledger-rebuild'
import { reportRunPackage } from './run-package'
import type { RunPackageReceipt } from './run-package'
import { reportRound } from './report-round'
import { NEAR_BUDGET, latestRounds, listRuns, toRun } from './repo'
import { listRoundsPage, roundSeries } from './round-pages'
import { createRun, endRun, previewRound } from './runs'

export { TRAINING_CHANNEL }

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`

export interface TrainingService {
  listRuns(query: ListRunsQuery): Promise<RunPage>
  createRun(ctx: AuditContext, body: CreateRunBody): Promise<Run>
  getRun(runId: string): Promise<Run>
  stopRun(ctx: AuditContext, runId: string, body: StopRunBody): Promise<Run>
  failRun(ctx: AuditContext, runId: string, body: FailRunBody): Promise<Run>
  listRounds(runId: string, query: ListRoundsQuery): Promise<RoundPage>
  roundSeries(runId: string, query: RoundSeriesQuery): Promise<RoundSeries>
  reportRound(ctx: AuditContext, runId: string, body: ReportRoundBody): Promise<RoundReceipt>
  previewRound(runId: string, body: PreviewRoundBody): Promise<RoundPreview>
  createAgentKey(ctx: AuditContext, runId: string, body: CreateAgentKeyBody): Promise<CreatedApiKey>
  overview(): Promise<TrainingOverview>
  updateAnnotations(ctx: AuditContext, runId: string, body: UpdateRunAnnotationsBody): Promise<Run>
  reportPackage(ctx: AuditContext, runId: string, body: ReportRunPackageBody): Promise<RunPackageReceipt>
  /** Live events (optionally of one run); returns the way to stop. */
  subscribe(runId: string | undefined, onEvent: (event: TrainingEvent) => void): Promise<() => void>
  /** The live events of a stream (optionally of one run), from the durable log. */
  feed(runId: string | undefined): LiveFeed<TrainingEvent>
  health(): Promise<ComponentHealth>
  /** Rebuilds the ledgers of runs recorded before it kept vectors; at start-up, before listening. */
  initialize(): Promise<number>
  /** Aborted when the server shuts down: live streams end. */
  readonly closed: AbortSignal
}

export function createTrainingService(deps: TrainingDeps): TrainingService {
  const { db, audit, events, hashSecret } = deps
  return {
    listRuns: (query) => listRuns(db, query),
    createRun: (ctx, body) => createRun(deps, ctx, body),
    getRun: async (runId) => toRun(await requireRun(db, runId)),
    stopRun: (ctx, runId, body) => endRun(deps, ctx, runId, 'stopped', body.reason),
    failRun: (ctx, runId, body) => endRun(deps, ctx, runId, 'failed', body.reason),
    listRounds: async (runId, query) => listRoundsPage(db, await requireRun(db, runId), query),
    roundSeries: async (runId, query) => roundSeries(db, await requireRun(db, runId), query.points),
    reportRound: (ctx, runId, body) => reportRound(deps, ctx, runId, body),
    previewRound: (runId, body) => previewRound(deps, runId, body),
    initialize: () => rebuildLedgers(db, audit),
    updateAnnotations: (ctx, runId, body) => updateAnnotations(deps, ctx, runId, body),
    reportPackage: (ctx, runId, body) => reportRunPackage(deps, ctx, runId, body),

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

    feed: (runId) => ({
      bus: events,
      channel: TRAINING_CHANNEL,
      select: (payload) => {
        const event = payload as TrainingEvent
        return !runId || event.runId === runId ? event : null
      },
    }),

    closed: events.closed,

    async health() {
      const started = performance.now()
      const accountant = accountantStats()
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
        message: `${plural(counts?.total ?? 0, 'run')}, ${counts?.active ?? 0} active; accountant: ${plural(accountant.completed, 'computation')} in worker threads, ${accountant.queued} queued`,
        latencyMs: Math.round((performance.now() - started) * 100) / 100,
      }
    },
  }
}
