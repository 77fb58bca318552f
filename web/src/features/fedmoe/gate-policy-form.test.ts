import { DEFAULT_GATE_POLICY } from '@tg/contracts'
import { describe, expect, it } from 'vitest'
import { parsePolicyText, policyText } from './gate-policy-form'

describe('gate policy text', () => {
  it('round-trips a policy', () => {
    expect(parsePolicyText(policyText(DEFAULT_GATE_POLICY))).toEqual({ ok: true, policy: DEFAULT_GATE_POLICY })
  })

  it('names each problem by its field', () => {
    const text = JSON.stringify({ ...DEFAULT_GATE_POLICY, minApprovals: 30, minSimSuccessRate: 2, extra: true })
    const result = parsePolicyText(text)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems.some((p) => p.startsWith('minApprovals:'))).toBe(true)
    expect(result.problems.some((p) => p.startsWith('minSimSuccessRate:'))).toBe(true)
    expect(result.problems.some((p) => p.includes('extra'))).toBe(true)
  })

  it('says when the text is not JSON', () => {
    expect(parsePolicyText('{').ok).toBe(false)
  })
})
