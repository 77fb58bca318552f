// Properties of the accountant that hold for any parameters (fast-check).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RdpAccountant } from './accountant'
import { epsilonFromRdp } from './conversion'
import { NOISE_TOLERANCE, computeEpsilon, noiseForEpsilon } from './epsilon'
import { DEFAULT_ORDERS, computeRdp } from './rdp'

const sampleRate = fc.double({ min: 1e-5, max: 1, noNaN: true })
const noise = fc.double({ min: 0.3, max: 8, noNaN: true })
const steps = fc.integer({ min: 0, max: 50_000 })
const delta = fc.constantFrom(1e-3, 1e-5, 1e-7, 1e-9)
const conversion = fc.constantFrom('classic' as const, 'improved' as const)
// Values computed through different floating-point paths may differ in the last digits.
const atMost = (a: number, b: number) => a <= b + 1e-9 * Math.abs(b) + 1e-12

describe('epsilon is monotone', () => {
  it('non-decreasing in steps', () => {
    fc.assert(
      fc.property(sampleRate, noise, steps, steps, delta, conversion, (q, sigma, s1, s2, d, c) => {
        const [few, many] = s1 <= s2 ? [s1, s2] : [s2, s1]
        const base = { sampleRate: q, noiseMultiplier: sigma, delta: d, conversion: c }
        expect(computeEpsilon({ ...base, steps: few }).epsilon).toBeLessThanOrEqual(
          computeEpsilon({ ...base, steps: many }).epsilon,
        )
      }),
      { numRuns: 60 },
    )
  })

  it('non-decreasing in the sampling rate', () => {
    fc.assert(
      fc.property(sampleRate, sampleRate, noise, steps, delta, (q1, q2, sigma, n, d) => {
        const [low, high] = q1 <= q2 ? [q1, q2] : [q2, q1]
        const base = { noiseMultiplier: sigma, steps: n, delta: d }
        const a = computeEpsilon({ ...base, sampleRate: low }).epsilon
        const b = computeEpsilon({ ...base, sampleRate: high }).epsilon
        expect(atMost(a, b), `${a} <= ${b}`).toBe(true)
      }),
      { numRuns: 60 },
    )
  })

  it('non-increasing in the noise multiplier', () => {
    fc.assert(
      fc.property(sampleRate, noise, noise, steps, delta, (q, n1, n2, n, d) => {
        const [low, high] = n1 <= n2 ? [n1, n2] : [n2, n1]
        const base = { sampleRate: q, steps: n, delta: d }
        const a = computeEpsilon({ ...base, noiseMultiplier: high }).epsilon
        const b = computeEpsilon({ ...base, noiseMultiplier: low }).epsilon
        expect(atMost(a, b), `${a} <= ${b}`).toBe(true)
      }),
      { numRuns: 60 },
    )
  })
})

describe('noiseForEpsilon', () => {
  it('meets the target, and 1e-4 less noise does not', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-4, max: 0.2, noNaN: true }),
        fc.integer({ min: 1, max: 20_000 }),
        fc.double({ min: 0.2, max: 12, noNaN: true }),
        delta,
        (q, n, target, d) => {
          const query = { sampleRate: q, steps: n, delta: d }
          const { noiseMultiplier, epsilon } = noiseForEpsilon({ ...query, targetEpsilon: target })
          expect(epsilon).toBeLessThanOrEqual(target)
          expect(computeEpsilon({ ...query, noiseMultiplier }).epsilon).toBe(epsilon)
          const less = noiseMultiplier * (1 - NOISE_TOLERANCE)
          expect(computeEpsilon({ ...query, noiseMultiplier: less }).epsilon).toBeGreaterThan(target)
        },
      ),
      { numRuns: 25 },
    )
  })
})

describe('RdpAccountant', () => {
  const params = fc.record({ sampleRate, noiseMultiplier: noise })

  it('with mixed rounds equals the sum of its parts', () => {
    fc.assert(
      fc.property(
        fc.array(params, { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 500 })), { maxLength: 40 }),
        delta,
        (settings, picks, d) => {
          const accountant = new RdpAccountant()
          const perSetting = settings.map(() => 0)
          for (const [pick, n] of picks) {
            const index = pick % settings.length
            accountant.add({ ...settings[index]!, steps: n })
            perSetting[index]! += n
          }
          const vectors = settings.map((s) => computeRdp(s))
          const expected = DEFAULT_ORDERS.map((_, k) =>
            vectors.reduce((sum, v, i) => (perSetting[i] ? sum + perSetting[i]! * v[k]! : sum), 0),
          )
          accountant
            .rdp()
            .forEach((value, k) => expect(Math.abs(value - expected[k]!)).toBeLessThanOrEqual(1e-12 * expected[k]!))
          const { epsilon } = accountant.epsilon(d)
          expect(epsilon).toBeCloseTo(epsilonFromRdp(expected, DEFAULT_ORDERS, d).epsilon, 9)
        },
      ),
      { numRuns: 40 },
    )
  })
})
