import { describe, expect, it } from 'vitest'
import { ApiError } from '@/shared/api'
import {
  describePolicy,
  formatRate,
  healthReportExample,
  policyBodyOf,
  policyFormOf,
  refusalConditionsOf,
} from './fleet-health'

describe('fleet health', () => {
  it('formats failure rates as percentages', () => {
    expect(formatRate(0.1234)).toBe('12.34%')
    expect(formatRate(0)).toBe('0%')
    expect(formatRate(null)).toBe('—')
  })

  it('words the policy', () => {
    expect(describePolicy(null)).toContain('does not wait')
    expect(describePolicy({ maxFailureRate: 0.05, minReports: 2, minSamples: 1000 })).toBe(
      'Promotion to the next channel needs at least 2 reports and 1,000 samples on the previous channel, with a failure rate of at most 5%.',
    )
  })

  it('turns the editor into the request body, refusing out-of-range values', () => {
    const form = policyFormOf({ maxFailureRate: 0.025, minReports: 3, minSamples: 50 })
    expect(form).toEqual({ isEnabled: true, maxFailurePercent: 2.5, minReports: 3, minSamples: 50 })
    expect(policyBodyOf(form)).toEqual({ health: { maxFailureRate: 0.025, minReports: 3, minSamples: 50 } })
    expect(policyBodyOf({ ...form, isEnabled: false })).toEqual({ health: null })
    expect(policyBodyOf({ ...form, maxFailurePercent: 101 })).toEqual({ problem: 'The failure rate is 0 to 100%.' })
    expect(policyBodyOf({ ...form, minReports: 0 })).toHaveProperty('problem')
    expect(policyBodyOf({ ...form, minSamples: 1.5 })).toHaveProperty('problem')
  })

  it('reads the conditions of a RELEASE_POLICY refusal only', () => {
    const conditions = [
      { name: 'failureRate', required: 0.05, observed: 0.2, passed: false, message: 'Failure rate 20%' },
    ]
    const refusal = new ApiError({
      status: 409,
      code: 'RELEASE_POLICY',
      message: 'not met',
      requestId: 'r1',
      details: { previousChannel: 'canary', allowedAt: null, conditions },
    })
    expect(refusalConditionsOf(refusal)).toEqual({ previousChannel: 'canary', conditions })
    const conflict = new ApiError({ status: 409, code: 'CONFLICT', message: 'x', requestId: 'r2', details: {} })
    expect(refusalConditionsOf(conflict)).toBeNull()
    expect(refusalConditionsOf(new Error('x'))).toBeNull()
  })
})

describe('healthReportExample', () => {
  it('names the fleet route, the key and an idempotency key', () => {
    const text = healthReportExample('https://console.example', 'f1', 'tgk_secret')
    expect(text).toContain('https://console.example/api/v1/tgsp/fleets/f1/health')
    expect(text).toContain('Authorization: Bearer tgk_secret')
    expect(text).toContain('Idempotency-Key')
  })
})
