import { describe, expect, it } from 'vitest'
import { RdpAccountant } from './accountant'
import { epsilonFromRdp } from './conversion'
import { computeEpsilon } from './epsilon'
import { DEFAULT_ORDERS, computeRdp } from './rdp'

const A = { sampleRate: 0.01, noiseMultiplier: 1.1 }
const B = { sampleRate: 0.02, noiseMultiplier: 0.8 }
const C = { sampleRate: 0.005, noiseMultiplier: 1.5 }

const closeVectors = (actual: number[], expected: number[]) =>
  actual.forEach((value, k) => expect(Math.abs(value - expected[k]!)).toBeLessThanOrEqual(1e-12 * expected[k]!))

describe('RdpAccountant', () => {
  it('starts empty: zero RDP, and only the conversion floor as epsilon', () => {
    const accountant = new RdpAccountant()
    expect(accountant.rdp()).toEqual(DEFAULT_ORDERS.map(() => 0))
    expect(accountant.steps).toBe(0)
    expect(accountant.epsilon(1e-5)).toEqual(
      epsilonFromRdp(
        DEFAULT_ORDERS.map(() => 0),
        DEFAULT_ORDERS,
        1e-5,
      ),
    )
  })

  it('equals computeEpsilon for one kind of round, however the steps are split', () => {
    const accountant = new RdpAccountant()
    for (const steps of [100, 250, 1, 649]) accountant.add({ ...A, steps })
    expect(accountant.steps).toBe(1000)
    const expected = computeEpsilon({ ...A, steps: 1000, delta: 1e-5 })
    expect(accountant.epsilon(1e-5).order).toBe(expected.order)
    expect(accountant.epsilon(1e-5).epsilon).toBeCloseTo(expected.epsilon, 12)
  })

  it('composes rounds with different parameters by adding their RDP', () => {
    const accountant = new RdpAccountant()
      .add({ ...A, steps: 300 })
      .add({ ...B, steps: 120 })
      .add({ ...C, steps: 40 })
    accountant.add({ ...A, steps: 200 })
    const expected = DEFAULT_ORDERS.map(
      (_, k) => 500 * computeRdp(A)[k]! + 120 * computeRdp(B)[k]! + 40 * computeRdp(C)[k]!,
    )
    closeVectors(accountant.rdp(), expected)
    expect(accountant.epsilon(1e-6).epsilon).toBeCloseTo(epsilonFromRdp(expected, DEFAULT_ORDERS, 1e-6).epsilon, 12)
  })

  it('previews a round without recording it', () => {
    const accountant = new RdpAccountant().add({ ...A, steps: 400 })
    const before = accountant.epsilon(1e-5)
    const preview = accountant.previewEpsilon({ ...B, steps: 100 }, 1e-5)
    expect(accountant.epsilon(1e-5)).toEqual(before)
    expect(accountant.steps).toBe(400)
    expect(preview.epsilon).toBeGreaterThan(before.epsilon)
    expect(preview).toEqual(
      accountant
        .clone()
        .add({ ...B, steps: 100 })
        .epsilon(1e-5),
    )
    expect(accountant.previewEpsilon({ ...B, steps: 0 }, 1e-5)).toEqual(before)
  })

  it('clones independently', () => {
    const original = new RdpAccountant({ orders: [2, 4, 8, 16, 32] }).add({ ...A, steps: 100 })
    const copy = original.clone()
    copy.add({ ...A, steps: 100 }).add({ ...C, steps: 5 })
    expect(original.steps).toBe(100)
    expect(copy.steps).toBe(205)
    expect(copy.orders).toEqual([2, 4, 8, 16, 32])
    expect(copy.epsilon(1e-5).epsilon).toBeGreaterThan(original.epsilon(1e-5).epsilon)
    expect(original.rdp()).toEqual(computeRdp({ ...A, orders: [2, 4, 8, 16, 32] }).map((r) => 100 * r))
  })

  it('keeps its conversion and orders', () => {
    const classic = new RdpAccountant({ orders: [10, 20, 100], conversion: 'classic' }).add({
      sampleRate: 256 / 60000,
      noiseMultiplier: 1.12,
      steps: 60 * 235,
    })
    // The Opacus 0.x example (see published.test.ts): 2.95 with the classic conversion.
    expect(classic.epsilon(1e-5).epsilon).toBeCloseTo(2.9459512428808647, 9)
  })

  it('handles rounds without privacy: sigma 0 gives Infinity, q 0 and 0 steps cost nothing', () => {
    const accountant = new RdpAccountant().add({ sampleRate: 0, noiseMultiplier: 0, steps: 10 })
    accountant.add({ sampleRate: 0.5, noiseMultiplier: 0, steps: 0 })
    expect(accountant.rdp()).toEqual(DEFAULT_ORDERS.map(() => 0))
    accountant.add({ sampleRate: 0.5, noiseMultiplier: 0, steps: 1 })
    expect(accountant.epsilon(1e-5)).toEqual({ epsilon: Infinity, order: NaN })
  })

  it('validates rounds, delta and options with RangeErrors', () => {
    const accountant = new RdpAccountant()
    expect(() => accountant.add({ ...A, steps: 1.5 })).toThrow(/^steps must be a non-negative integer; got 1\.5/)
    expect(() => accountant.add({ ...A, steps: -1 })).toThrow(RangeError)
    expect(() => accountant.add({ sampleRate: 2, noiseMultiplier: 1, steps: 1 })).toThrow(/^sampleRate/)
    expect(() => accountant.epsilon(0)).toThrow(/^delta must be a number in the open interval \(0, 1\); got 0/)
    expect(() => accountant.epsilon(1)).toThrow(RangeError)
    expect(() => accountant.previewEpsilon({ ...A, steps: 1 }, -1)).toThrow(/^delta/)
    expect(() => new RdpAccountant({ orders: [1] })).toThrow(/^Every RDP order/)
    expect(() => new RdpAccountant({ conversion: 'tight' as 'classic' })).toThrow(/^conversion must be/)
    expect(accountant.steps).toBe(0)
  })
})
