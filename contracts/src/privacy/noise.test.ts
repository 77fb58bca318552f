import { describe, expect, it } from 'vitest'
import { epsilonFromRdp } from './conversion'
import { NOISE_TOLERANCE, computeEpsilon, noiseForEpsilon } from './epsilon'
import { DEFAULT_ORDERS } from './rdp'

const MNIST = { sampleRate: 256 / 60000, steps: 60 * 235, delta: 1e-5 }

describe('noiseForEpsilon', () => {
  it('finds the noise behind a known epsilon (Opacus example: sigma 1.12 gives 2.9460, classic)', () => {
    const query = { ...MNIST, orders: [10, 20, 100], conversion: 'classic' as const }
    const { noiseMultiplier, epsilon } = noiseForEpsilon({ ...query, targetEpsilon: 2.95 })
    expect(epsilon).toBeLessThanOrEqual(2.95)
    expect(noiseMultiplier).toBeGreaterThan(1.11)
    expect(noiseMultiplier).toBeLessThan(1.12)
    expect(computeEpsilon({ ...query, noiseMultiplier }).epsilon).toBe(epsilon)
    expect(
      computeEpsilon({ ...query, noiseMultiplier: noiseMultiplier * (1 - NOISE_TOLERANCE) }).epsilon,
    ).toBeGreaterThan(2.95)
  })

  it('brackets the answer to the requested tolerance', () => {
    const target = 1
    const coarse = noiseForEpsilon({ ...MNIST, targetEpsilon: target, tolerance: 1e-2 })
    const fine = noiseForEpsilon({ ...MNIST, targetEpsilon: target, tolerance: 1e-7 })
    expect(coarse.noiseMultiplier).toBeGreaterThanOrEqual(fine.noiseMultiplier)
    expect(coarse.noiseMultiplier).toBeLessThanOrEqual(fine.noiseMultiplier * 1.01 + 1e-12)
    expect(fine.epsilon).toBeLessThanOrEqual(target)
    expect(fine.epsilon).toBeGreaterThan(target * 0.999)
  })

  it('returns noise 0 when no noise is needed', () => {
    const floor = epsilonFromRdp(
      DEFAULT_ORDERS.map(() => 0),
      DEFAULT_ORDERS,
      1e-5,
    ).epsilon
    expect(noiseForEpsilon({ sampleRate: 0, steps: 100, delta: 1e-5, targetEpsilon: 1 })).toEqual({
      noiseMultiplier: 0,
      epsilon: floor,
    })
    expect(noiseForEpsilon({ sampleRate: 0.1, steps: 0, delta: 1e-5, targetEpsilon: 1 }).noiseMultiplier).toBe(0)
  })

  it('explains targets no noise can reach', () => {
    // With the default orders (largest 1024) and delta 1e-5, no noise certifies less than about 0.0035.
    expect(() => noiseForEpsilon({ ...MNIST, targetEpsilon: 0.001 })).toThrow(
      /^targetEpsilon 0\.001 cannot be reached at delta 0\.00001: with these orders no amount of noise certifies less than epsilon 0\.003/,
    )
    expect(() => noiseForEpsilon({ sampleRate: 0, steps: 5, delta: 1e-5, targetEpsilon: 0.001 })).toThrow(RangeError)
  })

  it('validates its inputs', () => {
    expect(() => noiseForEpsilon({ ...MNIST, targetEpsilon: 0 })).toThrow(/^targetEpsilon must be a finite number > 0/)
    expect(() => noiseForEpsilon({ ...MNIST, targetEpsilon: Infinity })).toThrow(/^targetEpsilon/)
    expect(() => noiseForEpsilon({ ...MNIST, steps: -3, targetEpsilon: 1 })).toThrow(/^steps/)
    expect(() => noiseForEpsilon({ ...MNIST, delta: 2, targetEpsilon: 1 })).toThrow(/^delta/)
    expect(() => noiseForEpsilon({ ...MNIST, targetEpsilon: 1, tolerance: 0 })).toThrow(/^tolerance/)
  })
})
