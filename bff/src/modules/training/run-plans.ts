// A run's declared settings (its plan and DP-SGD parameters) never change after it is created:
// a round report checks them and computes their per-step vectors before it locks the run's row.
// Read once and kept here (per database, bounded), so that a round is not one more statement on
// the database's connection every time. Only immutable columns are kept: nothing here can go stale,
// on this replica or another. The run's changing state is read under its row lock, as before.
import { eq } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { trainingRuns } from '../../db/schema'
import { notFound } from '../../lib/errors'

export type DeclaredPlan = {
  plannedRounds: number
  stepsPerRound: number
  noiseMultiplier: number
  clippingNorm: number
  sampleRate: number
  delta: number
}

const PLANS_MAX = 4096
const plansByDb = new WeakMap<Db, Map<string, DeclaredPlan>>()

/** The run's declared settings, from this process's cache or read once; 404 when there is no such run. */
export async function declaredPlan(db: Db, runId: string): Promise<DeclaredPlan> {
  let plans = plansByDb.get(db)
  if (!plans) plansByDb.set(db, (plans = new Map()))
  const cached = plans.get(runId)
  if (cached) return cached
  const [row] = await db
    .select({
      plannedRounds: trainingRuns.plannedRounds,
      stepsPerRound: trainingRuns.stepsPerRound,
      noiseMultiplier: trainingRuns.noiseMultiplier,
      clippingNorm: trainingRuns.clippingNorm,
      sampleRate: trainingRuns.sampleRate,
      delta: trainingRuns.delta,
    })
    .from(trainingRuns)
    .where(eq(trainingRuns.id, runId))
  if (!row) throw notFound('Training run')
  // Oldest first out: a Map keeps insertion order.
  if (plans.size >= PLANS_MAX) plans.delete(plans.keys().next().value!)
  plans.set(runId, row)
  return row
}
