// A composable RDP accountant for a run whose rounds may change the sampling rate or the noise.
//
// Rounds are grouped by their (sampleRate, noiseMultiplier): the per-step RDP vector of each distinct
// pair is computed once (and cached, shared with clones), and the accountant only keeps the total
// number of steps per pair. Composition is additive, so the run's RDP is
//   sum over pairs of (steps of that pair) * (per-step vector of that pair),
// which makes `add` O(1) after a pair's first use and `epsilon` O(pairs * orders): a run of 10,000
// rounds with a handful of distinct settings costs a few thousand multiply-adds per query.
import { assertConversion, minimiseEpsilon, type EpsilonResult } from './conversion'
import { DEFAULT_ORDERS, rdpVector, type SampledGaussian } from './rdp'
import type { Conversion, PrivacyRound } from './schemas'
import { assertDelta, assertNoiseMultiplier, assertOrders, assertSampleRate, assertSteps } from './validate'

export interface RdpAccountantOptions {
  orders?: readonly number[]
  conversion?: Conversion
}

interface Totals extends SampledGaussian {
  steps: number
  rdp: readonly number[]
}

/** Values by (sampleRate, noiseMultiplier): nested maps keyed by the numbers (cheaper than string keys). */
type Table<T> = Map<number, Map<number, T>>

function lookup<T>(table: Table<T>, params: SampledGaussian): T | undefined {
  return table.get(params.sampleRate)?.get(params.noiseMultiplier)
}

function store<T>(table: Table<T>, params: SampledGaussian, value: T): void {
  let inner = table.get(params.sampleRate)
  if (!inner) table.set(params.sampleRate, (inner = new Map()))
  inner.set(params.noiseMultiplier, value)
}

function validateRound(round: PrivacyRound): void {
  assertSampleRate(round.sampleRate)
  assertNoiseMultiplier(round.noiseMultiplier)
  assertSteps(round.steps)
}

export class RdpAccountant {
  readonly orders: readonly number[]
  readonly conversion: Conversion
  /** Per-step RDP vectors by (sampleRate, noiseMultiplier); shared with clones (vectors are never mutated). */
  #cache: Table<readonly number[]> = new Map()
  /** Steps recorded per distinct setting, in order of first use, and the same entries by setting. */
  readonly #totals: Totals[] = []
  readonly #index: Table<Totals> = new Map()
  /** The entry of the last round added: consecutive rounds usually share their setting. */
  #last: Totals | null = null

  constructor(options: RdpAccountantOptions = {}) {
    const orders = options.orders ?? DEFAULT_ORDERS
    const conversion = options.conversion ?? 'improved'
    assertOrders(orders)
    assertConversion(conversion)
    this.orders = Object.freeze([...orders])
    this.conversion = conversion
  }

  /** Records a round of `steps` steps; returns this for chaining. */
  add(round: PrivacyRound): this {
    validateRound(round)
    if (round.steps === 0) return this
    let totals = this.#last
    if (!totals || totals.sampleRate !== round.sampleRate || totals.noiseMultiplier !== round.noiseMultiplier) {
      totals = lookup(this.#index, round) ?? this.#record(this.#entry(round, 0))
      this.#last = totals
    }
    totals.steps += round.steps
    return this
  }

  /** Total steps recorded so far. */
  get steps(): number {
    let steps = 0
    for (const totals of this.#totals) steps += totals.steps
    return steps
  }

  /** The run's RDP so far, one value per order. */
  rdp(): number[] {
    return this.#sum(null)
  }

  /** The run's (epsilon, delta) guarantee so far. */
  epsilon(delta: number): EpsilonResult {
    assertDelta(delta)
    return minimiseEpsilon(this.#sum(null), this.orders, delta, this.conversion)
  }

  /** What `epsilon(delta)` would be after adding `round`, without recording it. */
  previewEpsilon(round: PrivacyRound, delta: number): EpsilonResult {
    validateRound(round)
    assertDelta(delta)
    const extra = round.steps === 0 ? null : this.#entry(round, round.steps)
    return minimiseEpsilon(this.#sum(extra), this.orders, delta, this.conversion)
  }

  /** An independent copy with the same rounds (and the same shared cache). */
  clone(): RdpAccountant {
    const copy = new RdpAccountant({ orders: this.orders, conversion: this.conversion })
    copy.#cache = this.#cache
    for (const { sampleRate, noiseMultiplier, steps, rdp } of this.#totals)
      copy.#record({ sampleRate, noiseMultiplier, steps, rdp })
    return copy
  }

  #record(totals: Totals): Totals {
    this.#totals.push(totals)
    store(this.#index, totals, totals)
    return totals
  }

  /**
   * A totals entry for `params` with its per-step vector from the cache (computed on first use).
   * Entries are built as plain literals: V8 reads fields of spread-built objects far more slowly.
   */
  #entry(params: SampledGaussian, steps: number): Totals {
    const { sampleRate, noiseMultiplier } = params
    let rdp = lookup(this.#cache, params)
    if (!rdp) {
      rdp = Object.freeze(rdpVector(sampleRate, noiseMultiplier, this.orders))
      store(this.#cache, params, rdp)
    }
    return { sampleRate, noiseMultiplier, steps, rdp }
  }

  #sum(extra: Totals | null): number[] {
    const total = new Array<number>(this.orders.length).fill(0)
    const parts = extra ? [...this.#totals, extra] : this.#totals
    for (const { steps, rdp } of parts) for (let k = 0; k < total.length; k++) total[k]! += steps * rdp[k]!
    return total
  }
}
