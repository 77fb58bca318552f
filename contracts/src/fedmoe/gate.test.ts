import { describe, expect, it } from 'vitest'
import { DEFAULT_GATE_POLICY, GatePolicySchema, evaluateGate, policyBenchmarks, summarizeGate } from './gate'
import type { GateObservations, GatePolicy } from './gate'
import { EXPERT_TRANSITIONS, SemverSchema, allowedStatusChanges, compareVersionsDesc } from './schemas'

const context = { policySource: 'family' as const, channel: 'stable', evaluatedAt: '2026-12-07T04:00:00.000Z' }

const empty: GateObservations = {
  candidate: {},
  deployed: null,
  sim: { items: 0, episodes: 0, successRate: null, collisionRate: null },
  reviews: { reviewers: 0, approvals: 0, rejections: 0 },
}

const strict: GatePolicy = {
  minMetrics: [{ benchmark: 'LIBERO-Long', metric: 'success_rate', min: 0.8, minSamples: 100 }],
  beatDeployed: {
    benchmark: 'LIBERO-Long',
    metric: 'success_rate',
    margin: 0.02,
    minSamples: 100,
    higherIsBetter: true,
  },
  minSimSuccessRate: 0.9,
  maxCollisionRate: 0.05,
  minApprovals: 2,
  allowRejections: false,
}

describe('evaluateGate', () => {
  it('fails the default policy without an approving review, and nothing else is required', () => {
    const gate = evaluateGate(DEFAULT_GATE_POLICY, empty, { ...context, policySource: 'default' })
    expect(gate.passed).toBe(false)
    expect(gate.rules.map((r) => [r.rule, r.passed, r.observed, r.required])).toEqual([
      ['min_approvals', false, 0, 1],
      ['no_rejection', true, 0, 0],
    ])
    expect(summarizeGate(gate).failedRules).toEqual(['at least 1 approving review'])
  })

  it('lists every rule with its observed value when evidence is missing', () => {
    const gate = evaluateGate(strict, empty, context)
    expect(gate.passed).toBe(false)
    expect(gate.rules.map((r) => [r.rule, r.passed, r.observed, r.message])).toEqual([
      ['min_metric', false, null, 'no EVAL_RESULT or VLA_BENCHMARK evidence on LIBERO-Long'],
      ['beat_deployed', true, null, 'nothing deployed yet'],
      ['min_sim_success', false, null, 'no SIM_SUCCESS evidence'],
      ['max_collision', false, null, 'no SIM_SUCCESS evidence'],
      ['min_approvals', false, 0, '0 of 0 reviewers approve'],
      ['no_rejection', true, 0, 'no reviewer rejects'],
    ])
  })

  it('passes when every rule passes, comparing against the deployed version by the margin', () => {
    const observations: GateObservations = {
      candidate: { 'LIBERO-Long': { nSamples: 500, metrics: { success_rate: 0.86 } } },
      deployed: {
        version: '1.0.0',
        channel: 'stable',
        benchmarks: { 'LIBERO-Long': { nSamples: 400, metrics: { success_rate: 0.83 } } },
      },
      sim: { items: 2, episodes: 300, successRate: 0.93, collisionRate: 0.01 },
      reviews: { reviewers: 2, approvals: 2, rejections: 0 },
    }
    const gate = evaluateGate(strict, observations, context)
    expect(gate.rules.filter((r) => !r.passed)).toEqual([])
    expect(gate.passed).toBe(true)
    const beat = gate.rules.find((r) => r.rule === 'beat_deployed')!
    expect(beat.observed).toBe(0.86)
    expect(beat.required).toBeCloseTo(0.85)
    expect(beat.samples).toBe(500)
  })

  it('fails on too few samples, a smaller margin, rates out of bounds and one rejection', () => {
    const observations: GateObservations = {
      candidate: { 'LIBERO-Long': { nSamples: 50, metrics: { success_rate: 0.95 } } },
      deployed: {
        version: '1.0.0',
        channel: 'stable',
        benchmarks: { 'LIBERO-Long': { nSamples: 400, metrics: { success_rate: 0.94 } } },
      },
      sim: { items: 1, episodes: 10, successRate: 0.5, collisionRate: 0.2 },
      reviews: { reviewers: 3, approvals: 2, rejections: 1 },
    }
    const gate = evaluateGate(strict, observations, context)
    expect(gate.passed).toBe(false)
    expect(Object.fromEntries(gate.rules.map((r) => [r.rule, [r.passed, r.observed, r.samples]]))).toEqual({
      min_metric: [false, 0.95, 50],
      beat_deployed: [false, 0.95, 50],
      min_sim_success: [false, 0.5, 10],
      max_collision: [false, 0.2, 10],
      min_approvals: [true, 2, 3],
      no_rejection: [false, 1, 3],
    })
    expect(gate.rules[0]!.message).toBe('50 samples, at least 100 needed')
  })

  it('compares lower-is-better metrics the other way', () => {
    const policy: GatePolicy = {
      ...DEFAULT_GATE_POLICY,
      minApprovals: 0,
      beatDeployed: { benchmark: 'b', metric: 'latency', margin: 5, minSamples: 1, higherIsBetter: false },
    }
    const at = (latency: number): GateObservations => ({
      ...empty,
      candidate: { b: { nSamples: 10, metrics: { latency } } },
      deployed: { version: '1.0.0', channel: 'stable', benchmarks: { b: { nSamples: 10, metrics: { latency: 100 } } } },
    })
    expect(evaluateGate(policy, at(94), context).passed).toBe(true)
    expect(evaluateGate(policy, at(96), context).passed).toBe(false)
    expect(policyBenchmarks(policy)).toEqual(['b'])
  })
})

describe('GatePolicySchema', () => {
  it('names unknown fields and out-of-range values', () => {
    const bad = GatePolicySchema.safeParse({ ...DEFAULT_GATE_POLICY, minSimSuccessRate: 1.5, extra: 1 })
    expect(bad.success).toBe(false)
    const paths = bad.error!.issues.map((i) => i.path.join('.') || (i as { keys?: string[] }).keys?.join(','))
    expect(paths).toEqual(expect.arrayContaining(['minSimSuccessRate', 'extra']))
    expect(GatePolicySchema.safeParse({ ...DEFAULT_GATE_POLICY, allowRejections: true }).success).toBe(false)
  })
})

describe('the status machine and versions', () => {
  it('offers only the allowed moves', () => {
    expect(allowedStatusChanges('adapting')).toEqual(['validated', 'archived'])
    expect(allowedStatusChanges('validated')).toEqual(['archived'])
    expect(allowedStatusChanges('deployed')).toEqual([])
    expect(EXPERT_TRANSITIONS.archived).toEqual([])
  })

  it('accepts semver exactly as written and sorts by precedence', () => {
    expect(SemverSchema.safeParse('1.2.0').success).toBe(true)
    expect(SemverSchema.safeParse('v1.2.0').success).toBe(false)
    expect(SemverSchema.safeParse('1.2').success).toBe(false)
    expect(['1.0.0', '1.10.0', '1.2.0', '2.0.0-rc.1'].sort(compareVersionsDesc)).toEqual([
      '2.0.0-rc.1',
      '1.10.0',
      '1.2.0',
      '1.0.0',
    ])
  })
})
