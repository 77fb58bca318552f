// Rényi differential privacy (RDP) of one step of the Poisson-subsampled Gaussian mechanism, after
// Mironov, Talwar and Zhang, "Rényi Differential Privacy of the Sampled Gaussian Mechanism" (2019,
// arXiv:1908.10530), Section 3.3. The computation follows the reference implementations in
// TensorFlow Privacy (`rdp_accountant.py`) and Opacus (`accountants/analysis/rdp.py`):
//
//   RDP(alpha) = log(A_alpha) / (alpha - 1), with A_alpha = E_{z ~ mu0} [(mu(z) / mu0(z))^alpha],
//   mu0 = N(0, sigma^2), mu = (1 - q) mu0 + q N(1, sigma^2).
//
// - Integer alpha: the exact binomial expansion, summed in log space (`_compute_log_a_int`):
//   A = sum_{i=0..alpha} C(alpha, i) q^i (1 - q)^(alpha - i) exp((i^2 - i) / (2 sigma^2)).
// - Fractional alpha: the two-sided series of Section 3.3 (`_compute_log_a_frac`), split at
//   z0 = sigma^2 log(1/q - 1) + 1/2, with Gaussian tails written through log(erfc) and summed until both
//   new terms fall below exp(-30), exactly as the references stop.
// Special cases: q = 0 gives 0, sigma = 0 gives Infinity, q = 1 gives the plain Gaussian alpha / (2 sigma^2).
// Composition is additive: k steps cost k times the per-step vector, and rounds with different
// parameters add their vectors (see `accountant.ts`).
import { logErfc } from './erfc'
import { assertNoiseMultiplier, assertOrders, assertSampleRate } from './validate'

/**
 * The RDP orders evaluated by default: 1.1 to 10.9 in steps of 0.1 (built from integer tenths so
 * that 2, 3, ... 10 are exact integers and take the exact expansion), 11 to 63, 128, 256, 512, 1024.
 */
export const DEFAULT_ORDERS: readonly number[] = Object.freeze([
  ...Array.from({ length: 99 }, (_, k) => (k + 11) / 10),
  ...Array.from({ length: 53 }, (_, k) => k + 11),
  128,
  256,
  512,
  1024,
])

export interface SampledGaussian {
  /** Poisson sampling probability q of each record (or client) per step, in [0, 1]. */
  sampleRate: number
  /** Noise standard deviation divided by the L2 sensitivity (clipping norm), >= 0. */
  noiseMultiplier: number
}

/** Stop the fractional series once both new terms are below exp(-30), as the references do. */
const LOG_TERM_FLOOR = -30
/**
 * Upper bound on fractional-series terms. Terms decay like i^-(alpha + 1) when q is large and sigma
 * is large, so convergence can take millions of terms near alpha = 1; past this bound the order is
 * reported as Infinity (no bound at that order), which is conservative: other orders still count.
 */
const MAX_FRACTIONAL_TERMS = 4_000_000
const LOG_HALF = Math.log(0.5)

/** log(exp(x) + exp(y)). */
function logAdd(x: number, y: number): number {
  const hi = Math.max(x, y)
  const lo = Math.min(x, y)
  if (lo === -Infinity || hi === Infinity) return hi
  return hi + Math.log1p(Math.exp(lo - hi))
}

/** log(exp(x) - exp(y)) for x >= y. */
function logSub(x: number, y: number): number {
  if (y === -Infinity) return x
  if (x === y) return -Infinity
  const d = x - y
  return d < 1 ? y + Math.log(Math.expm1(d)) : x + Math.log1p(-Math.exp(-d))
}

/** log(A_alpha) for integer alpha >= 2: the exact binomial expansion. */
function logAInteger(q: number, sigma: number, alpha: number): number {
  const logQ = Math.log(q)
  const log1mQ = Math.log1p(-q)
  const twoSigma2 = 2 * sigma * sigma
  let logA = -Infinity
  let logBinomial = 0
  for (let i = 0; i <= alpha; i++) {
    if (i > 0) logBinomial += Math.log((alpha - i + 1) / i)
    logA = logAdd(logA, logBinomial + i * logQ + (alpha - i) * log1mQ + (i * i - i) / twoSigma2)
  }
  return logA
}

/** log(A_alpha) for fractional alpha > 1: the series of Section 3.3, or Infinity if it does not settle. */
function logAFractional(q: number, sigma: number, alpha: number): number {
  const logQ = Math.log(q)
  const log1mQ = Math.log1p(-q)
  const twoSigma2 = 2 * sigma * sigma
  const sqrt2Sigma = Math.SQRT2 * sigma
  const z0 = sigma * sigma * (log1mQ - logQ) + 0.5
  // The two parts of A, integrals over (-inf, z0] and [z0, inf), start at 0 (log: -Infinity).
  let logA0 = -Infinity
  let logA1 = -Infinity
  // |C(alpha, i)| and its sign, updated term by term: C(alpha, i) = C(alpha, i - 1) (alpha - i + 1) / i.
  let logCoefficient = 0
  let positive = true
  for (let i = 0; i < MAX_FRACTIONAL_TERMS; i++) {
    if (i > 0) {
      const ratio = (alpha - i + 1) / i
      logCoefficient += Math.log(Math.abs(ratio))
      if (ratio < 0) positive = !positive
    }
    const j = alpha - i
    const logS0 =
      logCoefficient + i * logQ + j * log1mQ + (i * i - i) / twoSigma2 + LOG_HALF + logErfc((i - z0) / sqrt2Sigma)
    const logS1 =
      logCoefficient + j * logQ + i * log1mQ + (j * j - j) / twoSigma2 + LOG_HALF + logErfc((z0 - j) / sqrt2Sigma)
    if (positive) {
      logA0 = logAdd(logA0, logS0)
      logA1 = logAdd(logA1, logS1)
    } else {
      // The partial sums of this alternating tail stay positive; if rounding ever broke that, this
      // order cannot be bounded here, and Infinity (no bound) is the conservative answer.
      if (logS0 > logA0 || logS1 > logA1) return Infinity
      logA0 = logSub(logA0, logS0)
      logA1 = logSub(logA1, logS1)
    }
    if (Math.max(logS0, logS1) < LOG_TERM_FLOOR) return logAdd(logA0, logA1)
  }
  return Infinity
}

/** RDP of one step at one order; inputs already validated. */
export function rdpAtOrder(q: number, sigma: number, alpha: number): number {
  if (q === 0) return 0
  if (sigma === 0 || sigma * sigma === 0) return Infinity
  if (q === 1) return alpha / (2 * sigma * sigma)
  const logA = Number.isInteger(alpha) ? logAInteger(q, sigma, alpha) : logAFractional(q, sigma, alpha)
  // A_alpha >= 1 (a Rényi divergence is non-negative); clamp the rounding error of tiny q.
  return Math.max(0, logA / (alpha - 1))
}

/** Per-step RDP vector for validated inputs (used by the cached accountant). */
export function rdpVector(q: number, sigma: number, orders: readonly number[]): number[] {
  return orders.map((alpha) => rdpAtOrder(q, sigma, alpha))
}

/**
 * RDP of ONE step of the sampled Gaussian mechanism, one value per order (Infinity where unbounded).
 * Multiply by the number of steps, and add vectors of different rounds, to compose.
 */
export function computeRdp(params: SampledGaussian & { orders?: readonly number[] }): number[] {
  const { sampleRate, noiseMultiplier, orders = DEFAULT_ORDERS } = params
  assertSampleRate(sampleRate)
  assertNoiseMultiplier(noiseMultiplier)
  assertOrders(orders)
  return rdpVector(sampleRate, noiseMultiplier, orders)
}
