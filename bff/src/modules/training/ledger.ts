import { DEFAULT_ORDERS, computeRdp, epsilonFromRdp } from '@tg/contracts/privacy'
import type { EpsilonResult, PrivacyRound } from '@tg/contracts/privacy'

/** Steps recorded per (sampleRate, noiseMultiplier): all the accountant needs, kept on the run row. */
export type RdpGroup = { sampleRate: number; noiseMultiplier: number; steps: number }

/**
 * Per-step RDP vectors by (sampleRate, noiseMultiplier), shared by every request of this process:
 * computing one (the fractional orders' series) costs milliseconds, reusing it nothing. Runs use
 * few distinct settings; the cache is bounded anyway.
 */
const PER_STEP = new Map<string, readonly number[]>()
const PER_STEP_MAX = 4096

function perStep(sampleRate: number, noiseMultiplier: number): readonly number[] {
  const key = `${sampleRate}:${noiseMultiplier}`
  let vector = PER_STEP.get(key)
  if (!vector) {
    vector = computeRdp({ sampleRate, noiseMultiplier })
    if (PER_STEP.size >= PER_STEP_MAX) PER_STEP.delete(PER_STEP.keys().next().value!)
    PER_STEP.set(key, vector)
  }
  return vector
}

/** Epsilon (and the order that attains it) of a set of groups composed, at delta. */
export function epsilonOf(groups: readonly RdpGroup[], delta: number): EpsilonResult {
  const total = new Array<number>(DEFAULT_ORDERS.length).fill(0)
  for (const group of groups) {
    if (group.steps === 0) continue
    const vector = perStep(group.sampleRate, group.noiseMultiplier)
    for (let i = 0; i < total.length; i++) total[i]! += group.steps * vector[i]!
  }
  return epsilonFromRdp(total, DEFAULT_ORDERS, delta)
}

export function addToGroups(groups: readonly RdpGroup[], round: PrivacyRound): RdpGroup[] {
  const out = groups.map((g) => ({ ...g }))
  const same = out.find((g) => g.sampleRate === round.sampleRate && g.noiseMultiplier === round.noiseMultiplier)
  if (same) same.steps += round.steps
  else out.push({ sampleRate: round.sampleRate, noiseMultiplier: round.noiseMultiplier, steps: round.steps })
  return out
}

/** A finite epsilon for storage and JSON: an unbounded one is reported as the largest double. */
export const finite = (epsilon: number) => (Number.isFinite(epsilon) ? epsilon : Number.MAX_VALUE)
export const orderOf = (order: number) => (Number.isFinite(order) ? order : null)

/**
 * Epsilon at the planned rounds if every round not yet recorded runs with the declared
 * settings and planned steps.
 */
export function projectEpsilon(
  groups: readonly RdpGroup[],
  plan: {
    plannedRounds: number
    roundsRecorded: number
    stepsPerRound: number
    sampleRate: number
    noiseMultiplier: number
    delta: number
  },
): number {
  const remaining = Math.max(0, plan.plannedRounds - plan.roundsRecorded)
  const planned = {
    sampleRate: plan.sampleRate,
    noiseMultiplier: plan.noiseMultiplier,
    steps: remaining * plan.stepsPerRound,
  }
  return finite(epsilonOf(addToGroups(groups, planned), plan.delta).epsilon)
}

/** Epsilon of the run over the rounds with index up to each one, in index order. */
export function cumulativeEpsilon(rounds: readonly (PrivacyRound & { index: number })[], delta: number): number[] {
  let groups: RdpGroup[] = []
  return [...rounds]
    .sort((a, b) => a.index - b.index)
    .map((round) => {
      groups = addToGroups(groups, round)
      return finite(epsilonOf(groups, delta).epsilon)
    })
}
