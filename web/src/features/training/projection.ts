import type { Round, Run } from '@tg/contracts'
import { RdpAccountant } from '@tg/contracts/privacy'
import { isFinalState } from './run-view'

/** Per-step RDP vectors are cached by this accountant and shared with every clone of it. */
const SHARED_CACHE = new RdpAccountant()

/** The most points a projection line gets: enough for a smooth curve over any number of rounds. */
export const MAX_PROJECTION_POINTS = 200

export type ProjectionPoint = [round: number, epsilon: number]

type PlannedRun = Pick<Run, 'state' | 'plannedRounds' | 'stepsPerRound'> & {
  dp: Pick<Run['dp'], 'sampleRate' | 'noiseMultiplier' | 'delta'>
}
type ReportedRound = Pick<Round, 'index' | 'sampleRate' | 'noiseMultiplier' | 'steps'>

/** Evenly spread whole numbers from `first` to `last` (both included), at most `count`. */
function spread(first: number, last: number, count: number): number[] {
  const span = last - first
  if (span + 1 <= count) return Array.from({ length: span + 1 }, (_, k) => first + k)
  const out = new Set<number>()
  for (let k = 0; k < count; k++) out.add(first + Math.round((span * k) / (count - 1)))
  return [...out]
}

/**
 * Epsilon from the last reported round to the last planned one, if every round not yet reported
 * runs with the run's declared settings and planned steps: the point at round x is the epsilon
 * after x + 1 rounds in all (missing rounds count as still to come, as in the server's
 * `projectedEpsilon`, which the last point equals). Empty for a run that takes no more rounds.
 * The first point is the last reported one, so that the line continues the reported curve.
 */
export function projectEpsilon(rounds: readonly ReportedRound[], run: PlannedRun): ProjectionPoint[] {
  if (isFinalState(run.state)) return []
  const accountant = SHARED_CACHE.clone()
  let lastIndex = -1
  for (const round of rounds) {
    accountant.add(round)
    lastIndex = Math.max(lastIndex, round.index)
  }
  const lastPlanned = run.plannedRounds - 1
  if (lastIndex >= lastPlanned) return []
  const { sampleRate, noiseMultiplier, delta } = run.dp
  const epsilonAfter = (extraRounds: number) =>
    accountant.previewEpsilon({ sampleRate, noiseMultiplier, steps: extraRounds * run.stepsPerRound }, delta).epsilon
  const start: ProjectionPoint[] = lastIndex >= 0 ? [[lastIndex, accountant.epsilon(delta).epsilon]] : []
  const points = spread(lastIndex + 1, lastPlanned, MAX_PROJECTION_POINTS).map((x): ProjectionPoint => [
    x,
    epsilonAfter(x + 1 - rounds.length),
  ])
  return [...start, ...points]
}
