// How the console reads a gate result: each rule's observed and required values as text, and
// the gate carried by a GATE_FAILED error (every rule, not only the failing ones).
import { GateFailedDetailsSchema } from '@tg/contracts'
import type { GateEvaluation, GateRuleResult } from '@tg/contracts'
import { isApiError } from '@/shared/api'

const VALUE = new Intl.NumberFormat('en', { maximumSignificantDigits: 4 })
const COUNT = new Intl.NumberFormat('en')

/** A rule's observed or required value: four significant digits, or "none" when there is none. */
export function formatGateValue(value: number | null): string {
  return value === null ? 'none' : VALUE.format(value)
}

/** What stands behind an observed value: samples, episodes or reviewers, by rule. */
export function formatGateSamples(rule: Pick<GateRuleResult, 'rule' | 'samples'>): string {
  if (rule.samples === null) return '–'
  const n = COUNT.format(rule.samples)
  switch (rule.rule) {
    case 'min_sim_success':
    case 'max_collision':
      return `${n} episodes`
    case 'min_approvals':
    case 'no_rejection':
      return `${n} reviewers`
    default:
      return `${n} samples`
  }
}

/** The gate of a GATE_FAILED error, or null for any other error. */
export function gateOfError(error: unknown): GateEvaluation | null {
  if (!isApiError(error) || error.code !== 'GATE_FAILED') return null
  const details = GateFailedDetailsSchema.safeParse(error.details)
  return details.success ? details.data.gate : null
}

/** "2 of 4 rules failed", "All 3 rules passed". */
export function describeGate(gate: Pick<GateEvaluation, 'passed' | 'rules'>): string {
  const failed = gate.rules.filter((rule) => !rule.passed).length
  const total = gate.rules.length
  if (failed === 0) return `All ${total} ${total === 1 ? 'rule' : 'rules'} passed`
  return `${failed} of ${total} ${total === 1 ? 'rule' : 'rules'} failed`
}
