import { and, asc, desc, eq, gte, ilike, or, sql } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import { NEAR_BUDGET_SHARE } from '@tg/contracts'
import type { AdapterSettings, ListRunsQuery, Round, RoundMetrics, Run, RunPage } from '@tg/contracts'
import type { Executor } from '../../db/client'
import { trainingRounds, trainingRuns } from '../../db/schema'
import { cumulativeEpsilon, epsilonOf, finite, projectEpsilon } from './ledger'
import type { RdpGroup } from './ledger'

export type RunRow = typeof trainingRuns.$inferSelect
export type RoundRow = typeof trainingRounds.$inferSelect

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`)
const iso = (d: Date | null) => d?.toISOString() ?? null

export function toRun(row: RunRow): Run {
  const groups = row.rdpGroups as RdpGroup[]
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
    projectedEpsilon:
      row.state === 'created' || row.state === 'running'
        ? projectEpsilon(groups, {
            plannedRounds: row.plannedRounds,
            roundsRecorded: row.roundsRecorded,
            stepsPerRound: row.stepsPerRound,
            sampleRate: row.sampleRate,
            noiseMultiplier: row.noiseMultiplier,
            delta: row.delta,
          })
        : null,
    lastReportAt: iso(row.lastReportAt),
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    endedAt: iso(row.endedAt),
  }
}

export function toRound(row: RoundRow, epsilonAfter: number): Round {
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
    epsilonAfter,
  }
}

const SORTS = {
  createdAt: trainingRuns.createdAt,
  name: trainingRuns.name,
  epsilonSpent: trainingRuns.epsilonSpent,
  lastReportAt: trainingRuns.lastReportAt,
} as const

export const NEAR_BUDGET = NEAR_BUDGET_SHARE

export async function listRuns(ex: Executor, query: ListRunsQuery): Promise<RunPage> {
  const conditions: (SQL | undefined)[] = [
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
  ]
  const where = and(...conditions)
  const direction = query.order === 'asc' ? asc : desc
  const sortColumn = SORTS[query.sort]
  const [rows, [count]] = await Promise.all([
    ex
      .select()
      .from(trainingRuns)
      .where(where)
      .orderBy(sql`${direction(sortColumn)} nulls last`, direction(trainingRuns.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
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

export async function listRounds(
  ex: Executor,
  run: RunRow,
): Promise<{ items: Round[]; gaps: Array<{ from: number; to: number }> }> {
  const rows = await ex
    .select()
    .from(trainingRounds)
    .where(eq(trainingRounds.runId, run.id))
    .orderBy(asc(trainingRounds.index))
  const epsilons = cumulativeEpsilon(rows, run.delta)
  const gaps: Array<{ from: number; to: number }> = []
  let expected = 0
  for (const row of rows) {
    if (row.index > expected) gaps.push({ from: expected, to: row.index - 1 })
    expected = row.index + 1
  }
  return { items: rows.map((row, i) => toRound(row, epsilons[i] ?? 0)), gaps }
}

/**
 * Epsilon of each (run, index) over that run's rounds with an index up to it. The database sums
 * the steps per (sampling rate, noise); only those sums cross the wire, never the rounds.
 */
export async function epsilonUpTo(
  ex: Executor,
  points: ReadonlyArray<{ runId: string; index: number; delta: number }>,
): Promise<Map<string, number>> {
  const key = (runId: string, index: number) => `${runId}:${index}`
  const out = new Map<string, number>()
  if (points.length === 0) return out
  const wanted = JSON.stringify(points.map((p) => ({ run_id: p.runId, idx: p.index })))
  type SumRow = {
    run_id: string
    idx: number
    sample_rate: number
    noise_multiplier: number
    steps: number
  }
  const result = (await ex.execute(sql`
    select p.run_id, p.idx, r.sample_rate, r.noise_multiplier, sum(r.steps)::int as steps
    from jsonb_to_recordset(${wanted}::jsonb) as p(run_id uuid, idx int)
    join ${trainingRounds} r on r.run_id = p.run_id and r.round_index <= p.idx
    group by p.run_id, p.idx, r.sample_rate, r.noise_multiplier`)) as unknown as { rows: SumRow[] }
  const groups = new Map<string, RdpGroup[]>()
  for (const row of result.rows) {
    const at = key(row.run_id, Number(row.idx))
    groups.set(at, [
      ...(groups.get(at) ?? []),
      { sampleRate: Number(row.sample_rate), noiseMultiplier: Number(row.noise_multiplier), steps: Number(row.steps) },
    ])
  }
  for (const point of points)
    out.set(
      key(point.runId, point.index),
      finite(epsilonOf(groups.get(key(point.runId, point.index)) ?? [], point.delta).epsilon),
    )
  return out
}

/** The newest rounds across runs, with the epsilon of their run after each (by index). */
export async function latestRounds(ex: Executor, limit: number) {
  const recent = await ex
    .select({ round: trainingRounds, runName: trainingRuns.name, delta: trainingRuns.delta })
    .from(trainingRounds)
    .innerJoin(trainingRuns, eq(trainingRuns.id, trainingRounds.runId))
    .orderBy(desc(trainingRounds.receivedAt))
    .limit(limit)
  const epsilons = await epsilonUpTo(
    ex,
    recent.map(({ round, delta }) => ({ runId: round.runId, index: round.index, delta })),
  )
  return recent.map(({ round, runName }) => ({
    run: { id: round.runId, name: runName },
    round: toRound(round, epsilons.get(`${round.runId}:${round.index}`) ?? 0),
  }))
}
