import { describe, expect, it } from 'vitest'
import { DpSettingsSchema, PrivacyRoundSchema } from './schemas'

describe('DpSettingsSchema', () => {
  it('accepts a budget with its mechanism and defaults the conversion', () => {
    const settings = DpSettingsSchema.parse({ targetEpsilon: 3, delta: 1e-5, sampleRate: 0.01, noiseMultiplier: 1.1 })
    expect(settings.conversion).toBe('improved')
  })

  it('rejects out-of-range values with a message for the form', () => {
    const result = DpSettingsSchema.safeParse({ targetEpsilon: 0, delta: 1, sampleRate: 1.2, noiseMultiplier: -1 })
    expect(result.success).toBe(false)
    const messages = Object.fromEntries(result.error!.issues.map((i) => [i.path.join('.'), i.message]))
    expect(messages).toEqual({
      targetEpsilon: 'The epsilon budget must be greater than 0.',
      delta: 'Delta must be less than 1.',
      sampleRate: 'Enter a rate of at most 1.',
      noiseMultiplier: 'Enter a noise multiplier of at least 0.',
    })
  })
})

describe('PrivacyRoundSchema', () => {
  it('requires whole, non-negative steps and finite numbers', () => {
    expect(PrivacyRoundSchema.safeParse({ sampleRate: 0.1, noiseMultiplier: 1, steps: 10 }).success).toBe(true)
    expect(PrivacyRoundSchema.safeParse({ sampleRate: 0.1, noiseMultiplier: 1, steps: 1.5 }).success).toBe(false)
    expect(PrivacyRoundSchema.safeParse({ sampleRate: 0.1, noiseMultiplier: Infinity, steps: 1 }).success).toBe(false)
  })
})
