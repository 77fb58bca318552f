// The accountant's work that grows with its inputs, run in worker threads (see `pool.ts`): the
// per-step RDP vector of a new (sampling rate, noise) pair (a series per fractional order, which
// costs milliseconds), and the one-time rebuild of a run's ledger from its recorded rounds.
import { DEFAULT_ORDERS, computeRdp, epsilonFromRdp } from '@tg/contracts/privacy'

export type StepSetting = { sampleRate: number; noiseMultiplier: number }
export type LedgerRound = StepSetting & { index: number; steps: number }
export type RebuiltLedger = {
  /** The round indices in the order the rounds were received, and the run's epsilon after each. */
  indices: number[]
  epsilons: number[]
  /** The run's RDP over every round, one value per `DEFAULT_ORDERS` entry. */
  rdp: number[]
}

/** RDP of one step of the sampled Gaussian mechanism at the accountant's orders. */
export function perStepVector(setting: StepSetting): number[] {
  return computeRdp({ sampleRate: setting.sampleRate, noiseMultiplier: setting.noiseMultiplier })
}

/**
 * Replays a run's rounds, given in the order they were received: each one adds its steps times
 * its per-step vector to the run's total, and its epsilon is the total's once it is added.
 */
export function rebuildLedger({ rounds, delta }: { rounds: LedgerRound[]; delta: number }): RebuiltLedger {
  const vectors = new Map<string, number[]>()
  const rdp = new Array<number>(DEFAULT_ORDERS.length).fill(0)
  const epsilons: number[] = []
  for (const round of rounds) {
    const key = `${round.sampleRate}:${round.noiseMultiplier}`
    let vector = vectors.get(key)
    if (!vector) vectors.set(key, (vector = perStepVector(round)))
    for (let k = 0; k < rdp.length; k++) rdp[k]! += round.steps * vector[k]!
    epsilons.push(epsilonFromRdp(rdp, DEFAULT_ORDERS, delta).epsilon)
  }
  return { indices: rounds.map((r) => r.index), epsilons, rdp }
}
