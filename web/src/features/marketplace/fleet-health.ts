// The fleet's health policy and its live releases' health as the fleet page and the promote
// dialog show them (the server decides; this only words and parses what it said).
import { ReleasePolicyDetailsSchema } from '@tg/contracts'
import type { FleetHealthPolicy, LiveReleaseHealth, PolicyCondition } from '@tg/contracts'
import { isApiError } from '@/shared/api'

/** A failure rate as a percentage with up to two decimals; a dash with no samples. */
export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 10_000) / 100}%`
}

export const VERDICT_VIEW: Record<
  LiveReleaseHealth['verdict'],
  { label: string; tone: 'success' | 'error' | 'warning' | 'default' }
> = {
  healthy: { label: 'Healthy', tone: 'success' },
  unhealthy: { label: 'Unhealthy', tone: 'error' },
  insufficient: { label: 'Not enough reports', tone: 'warning' },
  no_policy: { label: 'No health policy', tone: 'default' },
}

export function describePolicy(policy: FleetHealthPolicy | null): string {
  if (!policy) return 'Promotion does not wait for health reports.'
  return (
    `Promotion to the next channel needs at least ${policy.minReports} report${policy.minReports === 1 ? '' : 's'} ` +
    `and ${policy.minSamples.toLocaleString('en')} sample${policy.minSamples === 1 ? '' : 's'} on the previous channel, ` +
    `with a failure rate of at most ${formatRate(policy.maxFailureRate)}.`
  )
}

/** The policy editor's fields: the failure rate in percent. */
export type PolicyForm = {
  isEnabled: boolean
  maxFailurePercent: number | null
  minReports: number | null
  minSamples: number | null
}

export const policyFormOf = (policy: FleetHealthPolicy | null): PolicyForm =>
  policy
    ? {
        isEnabled: true,
        maxFailurePercent: Math.round(policy.maxFailureRate * 10_000) / 100,
        minReports: policy.minReports,
        minSamples: policy.minSamples,
      }
    : { isEnabled: false, maxFailurePercent: 5, minReports: 1, minSamples: 100 }

/** The request body of the editor, or the reason it cannot be sent. */
export function policyBodyOf(form: PolicyForm): { health: FleetHealthPolicy | null } | { problem: string } {
  if (!form.isEnabled) return { health: null }
  const { maxFailurePercent: percent, minReports, minSamples } = form
  if (percent === null || percent < 0 || percent > 100) return { problem: 'The failure rate is 0 to 100%.' }
  if (minReports === null || !Number.isInteger(minReports) || minReports < 1)
    return { problem: 'At least one report is needed.' }
  if (minSamples === null || !Number.isInteger(minSamples) || minSamples < 1)
    return { problem: 'At least one sample is needed.' }
  return { health: { maxFailureRate: percent / 100, minReports, minSamples } }
}

/** The conditions of a RELEASE_POLICY refusal, or null for any other outcome. */
export function refusalConditionsOf(error: unknown): { previousChannel: string; conditions: PolicyCondition[] } | null {
  if (!isApiError(error) || error.code !== 'RELEASE_POLICY') return null
  const parsed = ReleasePolicyDetailsSchema.safeParse(error.details)
  return parsed.success ? { previousChannel: parsed.data.previousChannel, conditions: parsed.data.conditions } : null
}

/** The call a fleet agent makes to report health (shown once with its new key). */
export function healthReportExample(origin: string, fleetId: string, secret: string): string {
  return [
    `curl -X POST ${origin}/api/v1/tgsp/fleets/${fleetId}/health \\`,
    `  -H 'Authorization: Bearer ${secret}' \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -H 'Idempotency-Key: <unique per report>' \\`,
    `  -d '{"channel":"canary","packageId":"<package id>","successes":980,"failures":20}'`,
  ].join('\n')
}
