import { describe, expect, it } from 'vitest'
import { epsilonFromRdp } from './conversion'
import { computeEpsilon } from './epsilon'
import { DEFAULT_ORDERS, computeRdp } from './rdp'

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b)

describe('DEFAULT_ORDERS', () => {
  it('holds 1.1 to 10.9 by tenths, 11 to 63, then 128, 256, 512, 1024', () => {
    expect(DEFAULT_ORDERS).toHaveLength(99 + 53 + 4)
    expect(DEFAULT_ORDERS.slice(0, 3)).toEqual([1.1, 1.2, 1.3])
    expect(DEFAULT_ORDERS[98]).toBe(10.9)
    expect(DEFAULT_ORDERS.slice(99, 101)).toEqual([11, 12])
    expect(DEFAULT_ORDERS.slice(-5)).toEqual([63, 128, 256, 512, 1024])
    // Tenths are built from integers: 2.0 ... 10.0 are exact integers (exact expansion), others match decimals.
    expect(DEFAULT_ORDERS.filter((a) => a < 11 && Number.isInteger(a))).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(DEFAULT_ORDERS[2]).toBe(1.3)
    expect(new Set(DEFAULT_ORDERS).size).toBe(DEFAULT_ORDERS.length)
  })
})

describe('computeRdp', () => {
  it('covers the special cases: q = 0, sigma = 0, q = 1', () => {
    expect(computeRdp({ sampleRate: 0, noiseMultiplier: 0.5 })).toEqual(DEFAULT_ORDERS.map(() => 0))
    expect(computeRdp({ sampleRate: 0, noiseMultiplier: 0 })).toEqual(DEFAULT_ORDERS.map(() => 0))
    expect(computeRdp({ sampleRate: 0.01, noiseMultiplier: 0 })).toEqual(DEFAULT_ORDERS.map(() => Infinity))
    // q = 1 is the Gaussian mechanism: RDP(alpha) = alpha / (2 sigma^2).
    const orders = [1.5, 2, 7.3, 32, 1024]
    expect(computeRdp({ sampleRate: 1, noiseMultiplier: 2, orders })).toEqual(orders.map((a) => a / 8))
  })

  it('matches the closed forms at alpha = 2 and alpha = 3', () => {
    for (const [q, sigma] of [
      [0.01, 1],
      [0.3, 0.8],
      [256 / 60000, 1.12],
    ] as const) {
      // A_2 = 1 + q^2 (e^(1/sigma^2) - 1); A_3 = sum_i C(3, i) q^i (1 - q)^(3 - i) e^((i^2 - i) / (2 sigma^2))
      //     = 1 + 3 q^2 (1 - q) (e^(1/sigma^2) - 1) + q^3 (e^(3/sigma^2) - 1), written with expm1/log1p.
      const em1 = (k: number) => Math.expm1(k / (sigma * sigma))
      const a2m1 = q * q * em1(1)
      const a3m1 = 3 * q * q * (1 - q) * em1(1) + q ** 3 * em1(3)
      const [rdp2, rdp3] = computeRdp({ sampleRate: q, noiseMultiplier: sigma, orders: [2, 3] })
      expect(relative(rdp2!, Math.log1p(a2m1))).toBeLessThan(1e-12)
      expect(relative(rdp3!, Math.log1p(a3m1) / 2)).toBeLessThan(1e-12)
    }
  })

  // Reference: the Opacus `accountants/analysis/rdp.py` algorithm transcribed to Python with SciPy 1.17
  // (`special.binom`, `special.log_ndtr` for log erfc), an independent double-precision implementation.
  const ORDERS = [1.5, 2, 2.5, 3, 10.5, 32, 256]
  const REFERENCE: Array<[number, number, number[]]> = [
    [
      0.01,
      1,
      [
        1.2725374351154145e-4, 1.7181342207453428e-4, 2.1757533233085147e-4, 2.6463757458466063e-4, 0.18833969137955273,
        11.246275937048072, 123.37677032308648,
      ],
    ],
    [
      256 / 60000,
      1.12,
      [
        1.6587866006251938e-5, 2.2196515455940337e-5, 2.7846157669159183e-5, 3.353763143315146e-5,
        1.2467515565505396e-4, 7.122149893816378, 96.56249423413249,
      ],
    ],
    [
      0.5,
      2,
      [
        0.04981937763232103, 0.06859872438165843, 0.08862984552430168, 0.1100231933576234, 0.658509950380054,
        3.2849386205373294, 31.304134595202566,
      ],
    ],
    [
      0.05,
      0.7,
      [
        0.010239621921400686, 0.01660361839550483, 0.02729600685165628, 0.049736135703248904, 7.403213281251115,
        29.560692425982456, 258.2170095526642,
      ],
    ],
  ]

  it.each(REFERENCE)(
    'q = %d, sigma = %d matches the reference at integer and fractional orders',
    (q, sigma, expected) => {
      const rdp = computeRdp({ sampleRate: q, noiseMultiplier: sigma, orders: ORDERS })
      rdp.forEach((value, k) => expect(relative(value, expected[k]!)).toBeLessThan(1e-9))
    },
  )

  it('is continuous across integers: the fractional series meets the exact expansion', () => {
    for (const [q, sigma] of [
      [0.01, 1],
      [256 / 60000, 1.12],
      [0.2, 3],
      [0.6, 0.9],
    ] as const)
      for (const n of [2, 3, 5, 11, 20]) {
        const [below, at, above] = computeRdp({
          sampleRate: q,
          noiseMultiplier: sigma,
          orders: [n - 1e-4, n, n + 1e-4],
        })
        expect(relative(below!, at!)).toBeLessThan(1e-3)
        expect(relative(above!, at!)).toBeLessThan(1e-3)
        expect(below!).toBeLessThanOrEqual(at!)
        expect(at!).toBeLessThanOrEqual(above!)
        // A jump between the two methods would make the one-sided slopes differ; they agree to 1%.
        expect(Math.abs(at! - below! - (above! - at!))).toBeLessThan(0.01 * (above! - at!))
      }
  })

  it('composes by addition: k steps cost k times one step', () => {
    const one = computeRdp({ sampleRate: 0.02, noiseMultiplier: 0.9 })
    const direct = computeEpsilon({ sampleRate: 0.02, noiseMultiplier: 0.9, steps: 500, delta: 1e-6 })
    const viaRdp = epsilonFromRdp(
      one.map((r) => 500 * r),
      DEFAULT_ORDERS,
      1e-6,
    )
    expect(direct).toEqual(viaRdp)
  })

  it('rejects invalid input with a RangeError that names the parameter', () => {
    const bad = (params: Parameters<typeof computeRdp>[0], message: RegExp) =>
      expect(() => computeRdp(params)).toThrow(
        expect.objectContaining({ name: 'RangeError', message: expect.stringMatching(message) }),
      )
    bad({ sampleRate: 1.5, noiseMultiplier: 1 }, /^sampleRate must be a number in \[0, 1\]; got 1\.5/)
    bad({ sampleRate: -0.1, noiseMultiplier: 1 }, /^sampleRate/)
    bad({ sampleRate: NaN, noiseMultiplier: 1 }, /^sampleRate.*got NaN/)
    bad({ sampleRate: 0.1, noiseMultiplier: -1 }, /^noiseMultiplier must be a finite number >= 0; got -1/)
    bad({ sampleRate: 0.1, noiseMultiplier: Infinity }, /^noiseMultiplier/)
    bad({ sampleRate: 0.1, noiseMultiplier: 1, orders: [] }, /^orders must be a non-empty array/)
    bad({ sampleRate: 0.1, noiseMultiplier: 1, orders: [2, 1] }, /^Every RDP order must be a finite number > 1; got 1/)
    bad({ sampleRate: 0.1, noiseMultiplier: 1, orders: [0.5] }, /got 0\.5/)
  })
})
