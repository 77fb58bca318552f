import { and, asc, desc, eq, gte, ilike, or, sql } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import { NEAR_BUDGET_SHARE } from '@tg/contracts'
import type { AdapterSettings, ListRunsQuery, Round, RoundMetrics, Run, RunPage } from '@tg/contracts'
import type { Executor } from '../../db/client'
import { trainingRounds, trainingRuns } from '../../db/schema'

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

const SORTS = {
  createdAt: trainingRuns.createdAt,
  name: trainingRuns.name,
  epsilonSpent: trainingRuns.epsilonSpent,
  lastReportAt: trainingRuns.lastReportAt,
} as const

export const NEAR_BUDGET = NEAR_BUDGET_SHARE

/**
 * The list's order: the sort column, then the id. Only `lastReportAt` can be null (runs with no
 * round yet go last either way); the other columns are NOT NULL, and a plain `asc`/`desc` lets
 * their (column, id) index give the order (a `nulls last` on a descending scan would not match it).
 */
function runOrder(query: ListRunsQuery): SQL[] {
  const direction = query.order === 'asc' ? asc : desc
  const column = SORTS[query.sort]
  const first = query.sort === 'lastReportAt' ? sql`${direction(column)} nulls last` : direction(column)
  return [first, direction(trainingRuns.id)]
}

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

/** The statement of a page of runs (an index test explains it). */
export function runsPageQuery(ex: Executor, query: ListRunsQuery) {
  return ex
    .select()
    .from(trainingRuns)
    .where(runsWhere(query))
    .orderBy(...runOrder(query))
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
}

export async function listRuns(ex: Executor, query: ListRunsQuery): Promise<RunPage> {
  const where = runsWhere(query)
  const [rows, [count]] = await Promise.all([
    runsPageQuery(ex, query),
    ex
      .select({ total: sql<number>`count(*)::int` })
      .from(trainingRuns)
      .where(where),
  ])
  return { items: rows.map(toRun), total: Number(count?.total ?? 0), page: query.page, pageSize: query.pageSize }
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
