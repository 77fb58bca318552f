import { RdpAccountant } from '@tg/contracts/privacy'
import type { PrivacyRound } from '@tg/contracts/privacy'

/** Steps recorded per (sampleRate, noiseMultiplier): all the accountant needs, kept on the run row. */
export type RdpGroup = { sampleRate: number; noiseMultiplier: number; steps: number }

export function accountantOf(groups: readonly RdpGroup[]): RdpAccountant {
  const accountant = new RdpAccountant()
  for (const group of groups) accountant.add(group)
  return accountant
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
  const accountant = accountantOf(groups)
  if (remaining > 0)
    accountant.add({
      sampleRate: plan.sampleRate,
      noiseMultiplier: plan.noiseMultiplier,
      steps: remaining * plan.stepsPerRound,
    })
  return finite(accountant.epsilon(plan.delta).epsilon)
}

/** Epsilon of the run over the rounds with index up to each one, in index order. */
export function cumulativeEpsilon(rounds: readonly (PrivacyRound & { index: number })[], delta: number): number[] {
  const accountant = new RdpAccountant()
  return [...rounds]
    .sort((a, b) => a.index - b.index)
    .map((round) => {
      accountant.add(round)
      return finite(accountant.epsilon(delta).epsilon)
    })
}
