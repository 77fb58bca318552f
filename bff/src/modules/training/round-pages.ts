// Reading a run's rounds: pages by index behind an opaque cursor, and a bounded sample for the
// charts. Both cost the same for a run of 100 rounds and of 100,000: each round carries the
// epsilon stored when it was recorded, and only a page (or the sampled indices) is read.
import { and, asc, desc, eq, gt, inArray, lt, sql } from 'drizzle-orm'
import { PROJECTION_POINTS_MAX, encodeRoundCursor } from '@tg/contracts'
import type { ListRoundsQuery, RoundPage, RoundPoint, RoundSeries } from '@tg/contracts'
import type { Executor } from '../../db/client'
import { trainingRounds } from '../../db/schema'
import { perStepVector } from './accountant/pool'
import { isFinal } from './context'
import { isCurrentRdp, projectionLine } from './ledger'
import { toRound } from './repo'
import type { RunRow } from './repo'

type Gap = { from: number; to: number }

/** The indices from `low` to `high` (both included) that are not in `indices` (ascending), as ranges. */
export function gapsBetween(indices: readonly number[], low: number, high: number): Gap[] {
  const gaps: Gap[] = []
  let expected = low
  for (const index of indices) {
    if (index > expected) gaps.push({ from: expected, to: index - 1 })
    expected = index + 1
  }
  if (high >= expected) gaps.push({ from: expected, to: high })
  return gaps
}

export async function listRoundsPage(ex: Executor, run: RunRow, query: ListRoundsQuery): Promise<RoundPage> {
  const isAsc = query.order === 'asc'
  const after = query.cursor
  const rows = await ex
    .select()
    .from(trainingRounds)
    .where(
      and(
        eq(trainingRounds.runId, run.id),
        after === undefined ? undefined : isAsc ? gt(trainingRounds.index, after) : lt(trainingRounds.index, after),
      ),
    )
    .orderBy(isAsc ? asc(trainingRounds.index) : desc(trainingRounds.index))
    .limit(query.limit + 1)
  const page = rows.slice(0, query.limit)
  const hasMore = rows.length > query.limit
  const last = page.at(-1)
  if (!last) return { items: [], gaps: [], nextCursor: null }
  const indices = page.map((row) => row.index).sort((a, b) => a - b)
  // The index range this page covers: from where the previous page ended (or index 0) to its last
  // round; in desc, the last page reaches down to index 0.
  const gaps = isAsc
    ? gapsBetween(indices, after === undefined ? 0 : after + 1, last.index)
    : gapsBetween(indices, hasMore ? last.index : 0, after === undefined ? indices.at(-1)! : after - 1).reverse()
  return {
    items: page.map(toRound),
    gaps,
    nextCursor: hasMore ? encodeRoundCursor(last.index) : null,
  }
}

/** Indices 0, stride, 2 stride, ... and the latest: at most `points` of them. */
export function sampledIndices(lastIndex: number, points: number): { stride: number; indices: number[] } {
  const count = lastIndex + 1
  const stride = count <= points ? 1 : Math.ceil(count / (points - 1))
  const indices: number[] = []
  for (let index = 0; index <= lastIndex; index += stride) indices.push(index)
  if (indices.at(-1) !== lastIndex) indices.push(lastIndex)
  return { stride, indices }
}

const metric = (name: string) => sql<number | null>`(${trainingRounds.metrics}->>${name})::float8`

async function sampledPoints(ex: Executor, runId: string, indices: number[]): Promise<RoundPoint[]> {
  const rows = await ex
    .select({
      index: trainingRounds.index,
      clients: trainingRounds.clients,
      epsilonAfter: trainingRounds.epsilonAfter,
      loss: metric('loss'),
      accuracy: metric('accuracy'),
    })
    .from(trainingRounds)
    .where(and(eq(trainingRounds.runId, runId), inArray(trainingRounds.index, indices)))
    .orderBy(asc(trainingRounds.index))
  return rows.map((row) => {
    if (row.epsilonAfter === null) throw new Error(`round ${row.index} of run ${runId} has no stored epsilon`)
    const number = (value: number | null) => (value === null ? null : Number(value))
    return { ...row, epsilonAfter: row.epsilonAfter, loss: number(row.loss), accuracy: number(row.accuracy) }
  })
}

async function projectionOf(run: RunRow): Promise<Array<[number, number]>> {
  if (isFinal(run.state)) return []
  if (!isCurrentRdp(run.rdp)) throw new Error(`the ledger of run ${run.id} was not rebuilt`)
  const declared = await perStepVector(run)
  return projectionLine(run.rdp, declared, run, PROJECTION_POINTS_MAX)
}

export async function roundSeries(ex: Executor, run: RunRow, points: number): Promise<RoundSeries> {
  const sample = run.lastRoundIndex === null ? null : sampledIndices(run.lastRoundIndex, points)
  const [sampled, projection] = await Promise.all([
    sample ? sampledPoints(ex, run.id, sample.indices) : [],
    projectionOf(run),
  ])
  return {
    stride: sample?.stride ?? 1,
    roundsRecorded: run.roundsRecorded,
    lastRoundIndex: run.lastRoundIndex,
    points: sampled,
    projection,
  }
}
