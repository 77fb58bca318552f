/**
 * `pnpm bench` (privacy part): epsilon of a federated run of 10,000 rounds with mixed parameters
 * (4 distinct (sampleRate, noiseMultiplier) settings in phases of 250 rounds, 1 to 4 steps per
 * round), replayed into the `RdpAccountant` the console and the BFF use, at the default 156 orders.
 * Cold: first replay in the process, empty per-step cache. Warm: the same replay into a fresh
 * accountant sharing the filled cache, median of 50 runs. Options: BENCH_PRIVACY_ROUNDS.
 */
import { RdpAccountant } from '@tg/contracts/privacy'
import type { PrivacyRound } from '@tg/contracts/privacy'

const ROUNDS = Number(process.env.BENCH_PRIVACY_ROUNDS ?? 10_000)
const REPETITIONS = 50
const DELTA = 1e-5
const GOAL_MS = 5
const SETTINGS = [
  { sampleRate: 0.001, noiseMultiplier: 1.1 },
  { sampleRate: 0.002, noiseMultiplier: 0.9 },
  { sampleRate: 0.0005, noiseMultiplier: 1.3 },
  { sampleRate: 0.004, noiseMultiplier: 2 },
]

/** Rounds as plain literals, like the objects JSON.parse or a zod parse hands the accountant. */
function makeRounds(n: number): PrivacyRound[] {
  return Array.from({ length: n }, (_, round) => {
    const { sampleRate, noiseMultiplier } = SETTINGS[Math.floor(round / 250) % SETTINGS.length]!
    return { sampleRate, noiseMultiplier, steps: 1 + (round % 4) }
  })
}

function replay(accountant: RdpAccountant, rounds: readonly PrivacyRound[]) {
  for (const round of rounds) accountant.add(round)
  return accountant.epsilon(DELTA)
}

export async function benchPrivacy(): Promise<void> {
  const rounds = makeRounds(ROUNDS)
  const steps = rounds.reduce((n, r) => n + r.steps, 0)
  console.log(
    `\nprivacy accountant: ${ROUNDS} rounds (${steps} steps, ${SETTINGS.length} distinct settings), epsilon at delta ${DELTA}`,
  )
  const base = new RdpAccountant()
  let start = performance.now()
  const cold = replay(base.clone(), rounds)
  const coldMs = performance.now() - start
  // The clone above shares `base`'s cache, so it is now filled for every setting.
  const times: number[] = []
  for (let i = 0; i < REPETITIONS; i++) {
    start = performance.now()
    const warm = replay(base.clone(), rounds)
    times.push(performance.now() - start)
    if (warm.epsilon !== cold.epsilon) throw new Error(`warm epsilon ${warm.epsilon} != cold ${cold.epsilon}`)
  }
  times.sort((a, b) => a - b)
  const median = times[Math.floor(times.length / 2)]!
  console.log(`  epsilon ${cold.epsilon.toFixed(4)} at order ${cold.order}`)
  console.log(`  cold (empty cache): ${coldMs.toFixed(2)} ms`)
  console.log(
    `  warm: median ${median.toFixed(3)} ms over ${REPETITIONS} runs (goal < ${GOAL_MS} ms) ${median < GOAL_MS ? 'PASS' : 'MISS'}`,
  )
}
