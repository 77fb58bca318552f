// One-shot questions: epsilon after `steps` identical steps, and the inverse, the smallest noise
// multiplier that keeps epsilon within a target.
import { assertConversion, minimiseEpsilon, type EpsilonResult } from './conversion'
import { DEFAULT_ORDERS, rdpVector, type SampledGaussian } from './rdp'
import type { Conversion } from './schemas'
import {
  assertDelta,
  assertNoiseMultiplier,
  assertOrders,
  assertSampleRate,
  assertSteps,
  assertTargetEpsilon,
} from './validate'

export interface EpsilonQuery extends SampledGaussian {
  steps: number
  delta: number
  orders?: readonly number[]
  conversion?: Conversion
}

export interface NoiseQuery {
  sampleRate: number
  steps: number
  delta: number
  targetEpsilon: number
  orders?: readonly number[]
  conversion?: Conversion
  /** Relative width of the final bracket around the answer; default NOISE_TOLERANCE. */
  tolerance?: number
}

/** Default relative tolerance of `noiseForEpsilon`: the answer is within 0.01% of the smallest noise. */
export const NOISE_TOLERANCE = 1e-4
/** `noiseForEpsilon` gives up above this noise multiplier (the target is then practically unreachable). */
export const MAX_NOISE_MULTIPLIER = 2 ** 20
const MAX_BISECTIONS = 200

/** Total RDP of `steps` identical steps (0 steps cost nothing, even with an unbounded step). */
function composedRdp(q: number, sigma: number, steps: number, orders: readonly number[]): number[] {
  if (steps === 0) return orders.map(() => 0)
  return rdpVector(q, sigma, orders).map((value) => value * steps)
}

/** epsilon (at the best order) after `steps` steps of the sampled Gaussian mechanism. */
export function computeEpsilon(query: EpsilonQuery): EpsilonResult {
  const { sampleRate, noiseMultiplier, steps, delta, orders = DEFAULT_ORDERS, conversion = 'improved' } = query
  assertSampleRate(sampleRate)
  assertNoiseMultiplier(noiseMultiplier)
  assertSteps(steps)
  assertDelta(delta)
  assertOrders(orders)
  assertConversion(conversion)
  return minimiseEpsilon(composedRdp(sampleRate, noiseMultiplier, steps, orders), orders, delta, conversion)
}

/**
 * The smallest noise multiplier (to a relative tolerance, 1e-4 by default) for which `steps` steps at
 * `sampleRate` stay within `targetEpsilon` at `delta`, by bisection on the monotone map noise -> epsilon.
 * The returned noise always achieves epsilon <= targetEpsilon, and noise * (1 - tolerance) does not.
 * Returns noise 0 when even no noise meets the target (sampleRate 0 or steps 0). Throws a RangeError
 * when the target is below what any noise can certify with these orders (epsilon tends to a positive
 * floor as noise grows, set by delta and the largest orders) or needs more than MAX_NOISE_MULTIPLIER.
 */
export function noiseForEpsilon(query: NoiseQuery): { noiseMultiplier: number; epsilon: number } {
  const { sampleRate, steps, delta, targetEpsilon, orders = DEFAULT_ORDERS, conversion = 'improved' } = query
  const tolerance = query.tolerance ?? NOISE_TOLERANCE
  assertSampleRate(sampleRate)
  assertSteps(steps)
  assertDelta(delta)
  assertTargetEpsilon(targetEpsilon)
  assertOrders(orders)
  assertConversion(conversion)
  if (!(tolerance > 0 && tolerance < 1)) throw new RangeError(`tolerance must be in (0, 1); got ${tolerance}.`)

  const epsilonAt = (sigma: number) =>
    minimiseEpsilon(composedRdp(sampleRate, sigma, steps, orders), orders, delta, conversion).epsilon
  const atZero = epsilonAt(0)
  if (atZero <= targetEpsilon) return { noiseMultiplier: 0, epsilon: atZero }
  const floor = minimiseEpsilon(
    orders.map(() => 0),
    orders,
    delta,
    conversion,
  ).epsilon
  if (targetEpsilon <= floor)
    throw new RangeError(
      `targetEpsilon ${targetEpsilon} cannot be reached at delta ${delta}: with these orders no amount of noise ` +
        `certifies less than epsilon ${floor.toPrecision(4)}. Raise the target or add larger orders.`,
    )

  let lo = 0
  let hi = 1
  let hiEpsilon = epsilonAt(hi)
  while (hiEpsilon > targetEpsilon) {
    lo = hi
    hi *= 2
    if (hi > MAX_NOISE_MULTIPLIER)
      throw new RangeError(
        `targetEpsilon ${targetEpsilon} at delta ${delta} needs a noise multiplier above ${MAX_NOISE_MULTIPLIER}.`,
      )
    hiEpsilon = epsilonAt(hi)
  }
  // Invariant: epsilonAt(lo) > target >= epsilonAt(hi) = hiEpsilon.
  for (let i = 0; i < MAX_BISECTIONS && hi - lo > tolerance * hi; i++) {
    const mid = (lo + hi) / 2
    const midEpsilon = epsilonAt(mid)
    if (midEpsilon <= targetEpsilon) {
      hi = mid
      hiEpsilon = midEpsilon
    } else lo = mid
  }
  return { noiseMultiplier: hi, epsilon: hiEpsilon }
}
