import type { GateEvaluation } from '@tg/contracts'
import { describe, expect, it } from 'vitest'
import { ApiError } from '@/shared/api'
import { describeGate, formatGateSamples, formatGateValue, gateOfError } from './gate-view'

const GATE: GateEvaluation = {
  passed: false,
  policySource: 'family',
  channel: null,
  evaluatedAt: '2026-12-07T04:00:00.000Z',
  rules: [
    {
      rule: 'min_metric',
      label: 'success_rate on libero-long ≥ 0.7',
      observed: 0.62,
      required: 0.7,
      samples: 40,
      passed: false,
      message: '0.62 is below 0.7',
    },
    {
      rule: 'no_rejection',
      label: 'no rejecting review',
      observed: 0,
      required: 0,
      samples: 1,
      passed: true,
      message: '',
    },
  ],
}
const error = (code: 'GATE_FAILED' | 'CONFLICT', details: Record<string, unknown>) =>
  new ApiError({ status: 409, code, message: 'refused', requestId: 'r', details })

describe('gate view', () => {
  it('reads the gate of a GATE_FAILED error, and nothing else', () => {
    expect(gateOfError(error('GATE_FAILED', { gate: GATE }))).toEqual(GATE)
    expect(gateOfError(error('GATE_FAILED', { gate: { passed: 'no' } }))).toBeNull()
    expect(gateOfError(error('CONFLICT', { gate: GATE }))).toBeNull()
    expect(gateOfError(new Error('x'))).toBeNull()
  })

  it('counts failed rules and names what stands behind each value', () => {
    expect(describeGate(GATE)).toBe('1 of 2 rules failed')
    expect(describeGate({ passed: true, rules: [GATE.rules[1]!] })).toBe('All 1 rule passed')
    expect(formatGateSamples({ rule: 'min_metric', samples: 1200 })).toBe('1,200 samples')
    expect(formatGateSamples({ rule: 'min_sim_success', samples: 50 })).toBe('50 episodes')
    expect(formatGateSamples({ rule: 'min_approvals', samples: 2 })).toBe('2 reviewers')
    expect(formatGateSamples({ rule: 'min_approvals', samples: null })).toBe('–')
    expect(formatGateValue(null)).toBe('none')
    expect(formatGateValue(0.123456)).toBe('0.1235')
  })
})
