// From an RDP curve to an (epsilon, delta) guarantee, minimising over the evaluated orders.
//
// - 'improved' (the default): Balle, Barthe, Gaboardi, Hsu and Sato, "Hypothesis Testing
//   Interpretations and Rényi Differential Privacy" (AISTATS 2020, arXiv:1905.09982, Theorem 21):
//     eps = rdp - (log(delta) + log(alpha)) / (alpha - 1) + log((alpha - 1) / alpha).
//   This is what Opacus's `get_privacy_spent` computes today; TF Privacy / dp_accounting use the same
//   bound (Proposition 12 of arXiv:2004.00010), plus a KL-divergence shortcut to 0 for tiny RDP that is
//   not applied here. It is never larger than 'classic'.
// - 'classic': Mironov, "Rényi Differential Privacy" (CSF 2017, arXiv:1702.07476, Proposition 3):
//     eps = rdp - log(delta) / (alpha - 1).
//   Which conversion reproduces the published figures: the older ones use 'classic' — TF Privacy's
//   `compute_dp_sgd_privacy` docstring and tutorial READMEs (2.92, 3.01, 1.19, 7.10, ...) and the Opacus
//   0.x documentation (2.95); the current Opacus script docstring (2.39 at alpha = 5) uses 'improved'.
//   The tests in `published.test.ts` reproduce each figure with the conversion it was made with.
// The result is clamped at 0 (the improved bound goes slightly negative only for orders above 1/delta).
import type { Conversion } from './schemas'
import { assertDelta, assertOrders, assertRdp } from './validate'

export interface EpsilonResult {
  /** The smallest epsilon over the orders, >= 0; Infinity when no order gives a finite bound. */
  epsilon: number
  /** The order that attains it; NaN when epsilon is Infinity. */
  order: number
}

/** epsilon at one order (inputs validated; rdp may be Infinity). */
export function epsilonAtOrder(rdp: number, alpha: number, logDelta: number, conversion: Conversion): number {
  if (conversion === 'classic') return rdp - logDelta / (alpha - 1)
  return rdp - (logDelta + Math.log(alpha)) / (alpha - 1) + Math.log1p(-1 / alpha)
}

/** Minimises over orders for validated inputs. */
export function minimiseEpsilon(
  rdp: ArrayLike<number>,
  orders: readonly number[],
  delta: number,
  conversion: Conversion,
): EpsilonResult {
  const logDelta = Math.log(delta)
  let epsilon = Infinity
  let order = NaN
  for (let k = 0; k < orders.length; k++) {
    const alpha = orders[k]!
    const value = epsilonAtOrder(rdp[k]!, alpha, logDelta, conversion)
    if (value < epsilon) {
      epsilon = value
      order = alpha
    }
  }
  return { epsilon: Math.max(0, epsilon), order }
}

/**
 * The (epsilon, delta) guarantee of an RDP curve (one value per order, e.g. the sum over all steps
 * and rounds), at the order that minimises epsilon.
 */
export function epsilonFromRdp(
  rdp: readonly number[],
  orders: readonly number[],
  delta: number,
  conversion: Conversion = 'improved',
): EpsilonResult {
  assertOrders(orders)
  assertRdp(rdp, orders)
  assertDelta(delta)
  assertConversion(conversion)
  return minimiseEpsilon(rdp, orders, delta, conversion)
}

export function assertConversion(conversion: Conversion): void {
  if (conversion !== 'classic' && conversion !== 'improved')
    throw new RangeError(`conversion must be 'classic' or 'improved'; got ${JSON.stringify(conversion)}.`)
}
