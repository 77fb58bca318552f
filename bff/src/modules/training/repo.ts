import { and, desc, eq, gte, ilike, or, sql } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import { NEAR_BUDGET_SHARE } from '@tg/contracts'
import type { AdapterSettings, ListRunsQuery, Round, RoundMetrics, Run, RunPage } from '@tg/contracts'
import type { Executor } from '../../db/client'
import { trainingRounds, trainingRuns } from '../../db/schema'
import { keysetCondition, keysetOrder, keysetScope, keysetValue, toKeysetPage } from '../../lib/pagination-keyset'
import type { KeysetSort } from '../../lib/pagination-keyset'

export type RunRow = typeof trainingRuns.$inferSelect
export type RoundRow = typeof trainingRounds.$inferSelect

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`)
const iso = (d: Date | null) => d?.toISOString() ?? null

export function toRun(row: RunRow): Run {
  return {
    id: row.id,
    name: row.name,
    baseModel: row.baseModel,
    adapter: row.adapter as AdapterSettings,
    plannedRounds: row.plannedRounds,
    stepsPerRound: row.stepsPerRound,
    dp: {
      noiseMultiplier: row.noiseMultiplier,
      clippingNorm: row.clippingNorm,
      sampleRate: row.sampleRate,
      delta: row.delta,
      epsilonBudget: row.epsilonBudget,
      datasetSize: row.datasetSize,
    },
    state: row.state,
    stateReason: row.stateReason,
    warnings: row.warnings,
    roundsRecorded: row.roundsRecorded,
    lastRoundIndex: row.lastRoundIndex,
    missingRounds: row.lastRoundIndex === null ? 0 : row.lastRoundIndex + 1 - row.roundsRecorded,
    epsilonSpent: row.epsilonSpent,
    epsilonOrder: row.epsilonOrder,
    projectedEpsilon: row.state === 'created' || row.state === 'running' ? row.projectedEpsilon : null,
    lastReportAt: iso(row.lastReportAt),
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    endedAt: iso(row.endedAt),
    tags: row.tags,
    note: row.note,
    producedPackage:
      row.producedPackage && row.producedReportedAt
        ? {
            ...(row.producedPackage as ProducedPackageRef),
            reportedAt: row.producedReportedAt.toISOString(),
            reportedBy: row.producedReportedBy,
          }
        : null,
  }
}

/** The identity of a package as the run keeps it (packages are immutable once verified). */
export type ProducedPackageRef = {
  id: string
  packageId: string
  modelName: string
  modelVersion: string
  contentId: string
}

/** Runs with the tag `key=value`, or with the key `key` (plain, or with any value). */
function tagCondition(tag: string): SQL {
  if (tag.includes('=')) return sql`${trainingRuns.tags} @> array[${tag}]::text[]`
  return sql`exists (select 1 from unnest(${trainingRuns.tags}) as t(tag) where t.tag = ${tag} or starts_with(t.tag, ${`${tag}=`}))`
}

export function toRound(row: RoundRow): Round {
  // Set with every round since the ledger keeps vectors; older rounds are rebuilt at start-up.
  if (row.epsilonAfter === null) throw new Error(`round ${row.index} of run ${row.runId} has no stored epsilon`)
  return {
    index: row.index,
    clients: row.clients,
    steps: row.steps,
    sampleRate: row.sampleRate,
    noiseMultiplier: row.noiseMultiplier,
    clippingNorm: row.clippingNorm,
    metrics: row.metrics as RoundMetrics,
    startedAt: row.startedAt.toISOString(),
    endedAt: row.endedAt.toISOString(),
    receivedAt: row.receivedAt.toISOString(),
    reportedBy: row.reportedBy,
    epsilonAfter: row.epsilonAfter,
  }
}

const SORTS: Record<ListRunsQuery['sort'], KeysetSort> = {
  createdAt: { column: trainingRuns.createdAt, kind: 'timestamp' },
  name: { column: trainingRuns.name, kind: 'text' },
  epsilonSpent: { column: trainingRuns.epsilonSpent, kind: 'double' },
  lastReportAt: { column: trainingRuns.lastReportAt, kind: 'timestamp', nullable: true },
}

export const NEAR_BUDGET = NEAR_BUDGET_SHARE

function runsWhere(query: ListRunsQuery): SQL | undefined {
  return and(
    query.q
      ? or(
          ilike(trainingRuns.name, `%${escapeLike(query.q)}%`),
          ilike(trainingRuns.baseModel, `%${escapeLike(query.q)}%`),
        )
      : undefined,
    query.state ? eq(trainingRuns.state, query.state) : undefined,
    query.budget === 'exhausted' ? eq(trainingRuns.state, 'budget_exhausted') : undefined,
    query.budget === 'near'
      ? gte(trainingRuns.epsilonSpent, sql`${trainingRuns.epsilonBudget} * ${NEAR_BUDGET}`)
      : undefined,
    query.tag ? tagCondition(query.tag) : undefined,
    query.packageId ? eq(trainingRuns.producedPackageId, query.packageId) : undefined,
  )
}

/** What a runs cursor is bound to: this sort, direction and these filters. */
const runsScope = (query: ListRunsQuery) => keysetScope('training.runs', query)

/**
 * The one statement of a page of runs: `limit + 1` rows after the cursor, in (sort column, id)
 * order. Only `lastReportAt` can be null (runs with no round yet go last either way); the other
 * columns are NOT NULL and order plainly, so that their (column, id) index gives the order and the
 * cursor's range (an index test explains it).
 */
export function runsPageQuery(ex: Executor, query: ListRunsQuery) {
  const sort = SORTS[query.sort]
  return ex
    .select({ run: trainingRuns, sortValue: keysetValue(sort) })
    .from(trainingRuns)
    .where(and(runsWhere(query), keysetCondition(sort, query.order, trainingRuns.id, runsScope(query), query.cursor)))
    .orderBy(...keysetOrder(sort, query.order, trainingRuns.id))
    .limit(query.limit + 1)
}

export async function listRuns(ex: Executor, query: ListRunsQuery): Promise<RunPage> {
  const rows = await runsPageQuery(ex, query)
  return toKeysetPage(
    rows.map((r) => ({ ...r, id: r.run.id })),
    query.limit,
    runsScope(query),
    (pageRows) => pageRows.map((r) => toRun(r.run)),
  )
}

export async function findRunRow(ex: Executor, id: string, forUpdate = false): Promise<RunRow | null> {
  const query = ex.select().from(trainingRuns).where(eq(trainingRuns.id, id))
  const [row] = forUpdate ? await query.for('update') : await query
  return row ?? null
}

/** The newest rounds across runs, each with the epsilon stored when it was recorded. */
export async function latestRounds(ex: Executor, limit: number) {
  const recent = await ex
    .select({ round: trainingRounds, runName: trainingRuns.name })
    .from(trainingRounds)
    .innerJoin(trainingRuns, eq(trainingRuns.id, trainingRounds.runId))
    .orderBy(desc(trainingRounds.receivedAt))
    .limit(limit)
  return recent.map(({ round, runName }) => ({ run: { id: round.runId, name: runName }, round: toRound(round) }))
}
