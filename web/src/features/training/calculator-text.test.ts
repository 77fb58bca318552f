import { describe, expect, it } from 'vitest'
import { explainEpsilon, explainNoise } from './calculator-text'

describe('calculator explanations', () => {
  it('say what the epsilon means, with the order that attains it', () => {
    expect(
      explainEpsilon(
        { sampleRate: 0.01, noiseMultiplier: 1.1, steps: 10_000, delta: 1e-5 },
        { epsilon: 5.632, order: 4.7 },
      ),
    ).toBe(
      '10,000 steps at sampling rate 0.01 with noise multiplier 1.1 are (ε = 5.632, δ = 1.0e-5)-differentially private; the bound is tightest at RDP order 4.7.',
    )
  })

  it('say which noise keeps the steps within the target', () => {
    expect(
      explainNoise(
        { sampleRate: 0.01, steps: 1, delta: 1e-5, targetEpsilon: 2 },
        { noiseMultiplier: 4.1259765625, epsilon: 1.99995 },
      ),
    ).toBe(
      'To keep 1 step at sampling rate 0.01 within ε = 2 at δ = 1.0e-5, use a noise multiplier of at least 4.126 (it gives ε = 2).',
    )
  })
})
