import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { erfc, logErfc } from './erfc'

// Reference values: mpmath 1.3.0 `erfc` / `log(erfc)` at 30 significant digits, rounded to the
// nearest double.
const ERFC: Array<[number, number, number]> = [
  [-3, 1.9999779095030015, 0.6931361352504468],
  [-1, 1.8427007929497148, 0.6112323176780705],
  [-0.25, 1.276326390168237, 0.24398594388138442],
  [0, 1, 0],
  [0.1, 0.887537083981715, -0.11930497373739561],
  [0.5, 0.4795001221869535, -0.7350111298370844],
  [1, 0.15729920705028513, -1.8496055099332482],
  [1.4999, 0.03390674833770473, -3.3841412183977524],
  [1.5, 0.033894853524689274, -3.3844920895515527],
  [2, 0.004677734981047266, -5.364941264616638],
  [3, 2.209049699858544e-5, -10.720363041981113],
  [5, 1.537459794428035e-12, -27.200889545537436],
  [10, 2.088487583762545e-45, -102.87988902484489],
  [26, 5.663192408856143e-296, -679.8311997631943],
]

// log(erfc(x)) where erfc(x) itself underflows (same source).
const LOG_ERFC_LARGE: Array<[number, number]> = [
  [30, -903.9741171106439],
  [100, -10005.177585122665],
  [1000, -1000007.4801207219],
  [1e6, -1000000000014.3878],
]

const relative = (a: number, b: number) => (b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b))

describe('erfc', () => {
  it.each(ERFC)('erfc(%d) matches the 30-digit reference to 1e-14 relative', (x, expected) => {
    expect(relative(erfc(x), expected)).toBeLessThan(1e-14)
  })

  it.each(ERFC)('logErfc(%d) matches the reference to 1e-14 relative', (x, _, expected) => {
    expect(relative(logErfc(x), expected)).toBeLessThan(1e-14)
  })

  it.each(LOG_ERFC_LARGE)('logErfc(%d) stays finite and accurate where erfc underflows', (x, expected) => {
    expect(erfc(x)).toBe(0)
    expect(relative(logErfc(x), expected)).toBeLessThan(1e-14)
  })

  it('handles the limits', () => {
    expect(erfc(Infinity)).toBe(0)
    expect(erfc(-Infinity)).toBe(2)
    expect(logErfc(Infinity)).toBe(-Infinity)
    expect(logErfc(-Infinity)).toBeCloseTo(Math.LN2, 15)
    expect(erfc(NaN)).toBeNaN()
    expect(logErfc(NaN)).toBeNaN()
  })

  it('satisfies erfc(-x) = 2 - erfc(x) and is non-increasing', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -6, max: 6, noNaN: true }),
        fc.double({ min: 1e-6, max: 1, noNaN: true }),
        (x, h) => {
          expect(erfc(-x)).toBeCloseTo(2 - erfc(x), 14)
          expect(erfc(x + h)).toBeLessThanOrEqual(erfc(x))
        },
      ),
    )
  })

  it('agrees with log(erfc(x)) wherever erfc(x) is a normal number', () => {
    fc.assert(
      fc.property(fc.double({ min: -10, max: 26, noNaN: true }), (x) => {
        const expected = Math.log(erfc(x))
        expect(Math.abs(logErfc(x) - expected)).toBeLessThan(1e-12 * Math.max(1, Math.abs(expected)))
      }),
    )
  })
})
