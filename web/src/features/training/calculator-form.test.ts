import { computeEpsilon, noiseForEpsilon } from '@tg/contracts/privacy'
import { describe, expect, it } from 'vitest'
import { parseEpsilonForm, parseNoiseForm } from './calculator-form'
import type { CalculatorForm } from './calculator-form'
import { numberOf } from './number-fields'
import { privacyMethods } from './privacy-methods'

const FORM: CalculatorForm = {
  sampleRate: '0.01',
  noiseMultiplier: '1.1',
  stepsMode: 'steps',
  steps: '10000',
  rounds: '',
  stepsPerRound: '',
  delta: '1e-5',
  targetEpsilon: '2',
}

describe('typed numbers', () => {
  it('reads decimals, exponents and thousands separators; rejects the rest', () => {
    expect(numberOf(' 0.01 ')).toBe(0.01)
    expect(numberOf('1e-5')).toBe(1e-5)
    expect(numberOf('10,000')).toBe(10_000)
    expect(numberOf('')).toBeUndefined()
    expect(numberOf('1/100')).toBeNaN()
    expect(numberOf('Infinity')).toBeNaN()
  })
})

describe('calculator inputs', () => {
  it('turns valid fields into the accountant query, with steps or rounds times steps per round', () => {
    expect(parseEpsilonForm(FORM)).toEqual({
      value: { sampleRate: 0.01, noiseMultiplier: 1.1, delta: 1e-5, steps: 10_000 },
      errors: {},
    })
    const byRounds = parseNoiseForm({ ...FORM, stepsMode: 'rounds', steps: 'x', rounds: '50', stepsPerRound: '200' })
    expect(byRounds).toEqual({ value: { sampleRate: 0.01, delta: 1e-5, targetEpsilon: 2, steps: 10_000 }, errors: {} })
  })

  it('says what is wrong with each out-of-range or missing field', () => {
    const parsed = parseEpsilonForm({ ...FORM, sampleRate: '1.5', noiseMultiplier: '0', steps: '2.5', delta: '' })
    expect(parsed.value).toBeNull()
    expect(parsed.errors).toEqual({
      sampleRate: 'The sampling rate is at most 1.',
      noiseMultiplier: 'The noise multiplier must be greater than 0.',
      steps: 'Enter a whole number for the steps.',
      delta: 'Enter delta.',
    })
    expect(parseNoiseForm({ ...FORM, targetEpsilon: 'abc', delta: '1' }).errors).toEqual({
      targetEpsilon: 'Enter a target epsilon as a number.',
      delta: 'Delta must be less than 1.',
    })
    expect(
      parseEpsilonForm({ ...FORM, stepsMode: 'rounds', rounds: '100000', stepsPerRound: '100000' }).errors,
    ).toEqual({ rounds: 'Rounds times steps per round is at most 1,000,000,000.' })
  })
})

describe('privacy methods of the worker', () => {
  it('compute what the shared accountant computes', async () => {
    const query = { sampleRate: 0.01, noiseMultiplier: 1.1, steps: 10_000, delta: 1e-5 }
    const expected = computeEpsilon(query)
    await expect(privacyMethods.epsilon(query)).resolves.toEqual({ epsilon: expected.epsilon, order: expected.order })
    const target = { sampleRate: 0.01, steps: 10_000, delta: 1e-5, targetEpsilon: 2 }
    await expect(privacyMethods.noise(target)).resolves.toEqual(noiseForEpsilon(target))
  })

  it('reject a target that no noise can reach, with the accountant’s reason', async () => {
    await expect(
      privacyMethods.noise({ sampleRate: 0.01, steps: 100, delta: 1e-5, targetEpsilon: 0.001 }),
    ).rejects.toThrow(/cannot be reached/)
  })
})
