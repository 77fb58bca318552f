// The run's privacy ledger as arithmetic on RDP vectors (one value per order of the accountant).
// RDP composes by addition, so a round costs the same at round 10 and at round 100,000: add its
// steps times its per-step vector to the run's total, then convert the total to epsilon.
// Per-step vectors come from `accountant/pool.ts` (worker threads); nothing here grows with a run.
import { DEFAULT_ORDERS, epsilonFromRdp } from '@tg/contracts/privacy'
import type { EpsilonResult } from '@tg/contracts/privacy'

export type RdpVector = readonly number[]

/** The RDP of a run with no round yet. */
export const emptyRdp = (): number[] => new Array<number>(DEFAULT_ORDERS.length).fill(0)

/** True for a stored vector of the accountant's current orders (null: not rebuilt yet). */
export const isCurrentRdp = (rdp: readonly number[] | null): rdp is number[] =>
  rdp !== null && rdp.length === DEFAULT_ORDERS.length

/** `total + steps * perStep`, as a new vector. */
export function addSteps(total: RdpVector, perStep: RdpVector, steps: number): number[] {
  if (steps === 0) return [...total]
  return total.map((value, k) => value + steps * perStep[k]!)
}

/** Epsilon (and the order that attains it) of an RDP vector, at delta. */
export const epsilonOfRdp = (rdp: RdpVector, delta: number): EpsilonResult => epsilonFromRdp(rdp, DEFAULT_ORDERS, delta)

/** A finite epsilon for storage and JSON: an unbounded one is reported as the largest double. */
export const finite = (epsilon: number) => (Number.isFinite(epsilon) ? epsilon : Number.MAX_VALUE)
export const orderOf = (order: number) => (Number.isFinite(order) ? order : null)

/** The run's declared plan, as far as the projection needs it. */
export type Plan = { plannedRounds: number; roundsRecorded: number; stepsPerRound: number; delta: number }

/** Epsilon after `extraRounds` more rounds at the declared settings (their per-step vector). */
const epsilonWith = (rdp: RdpVector, declared: RdpVector, plan: Plan, extraRounds: number) =>
  finite(epsilonOfRdp(addSteps(rdp, declared, Math.max(0, extraRounds) * plan.stepsPerRound), plan.delta).epsilon)

/** Epsilon at the planned rounds if every round not yet recorded runs with the declared settings. */
export const projectEpsilon = (rdp: RdpVector, declared: RdpVector, plan: Plan) =>
  epsilonWith(rdp, declared, plan, plan.plannedRounds - plan.roundsRecorded)

/** Evenly spread whole numbers from `first` to `last` (both included), at most `count`. */
function spread(first: number, last: number, count: number): number[] {
  const span = last - first
  if (span + 1 <= count) return Array.from({ length: span + 1 }, (_, k) => first + k)
  const out = new Set<number>()
  for (let k = 0; k < count; k++) out.add(first + Math.round((span * k) / (count - 1)))
  return [...out]
}

/**
 * [round index, epsilon] from the latest reported round to the last planned one: the point at
 * index x is the epsilon after x + 1 rounds in all (missing rounds count as still to come), so the
 * last point is `projectEpsilon`. The first point is the latest reported round itself.
 */
export function projectionLine(
  rdp: RdpVector,
  declared: RdpVector,
  plan: Plan & { lastRoundIndex: number | null; epsilonSpent: number },
  maxPoints: number,
): Array<[number, number]> {
  const lastIndex = plan.lastRoundIndex ?? -1
  const lastPlanned = plan.plannedRounds - 1
  if (lastIndex >= lastPlanned) return []
  const start: Array<[number, number]> = lastIndex >= 0 ? [[lastIndex, plan.epsilonSpent]] : []
  const points = spread(lastIndex + 1, lastPlanned, maxPoints - start.length).map((x): [number, number] => [
    x,
    epsilonWith(rdp, declared, plan, x + 1 - plan.roundsRecorded),
  ])
  return [...start, ...points]
}
