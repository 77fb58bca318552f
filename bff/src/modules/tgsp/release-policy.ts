// Release policy per fleet: a package reaches a channel (stable) only after it was live on the
// channel before it in the promotion order (canary) for the fleet's soak time and, when the fleet
// sets a health policy, after its fleet agents reported it healthy there; unless an admin
// overrides the policy with a reason (audited with the release). A refusal names every condition.
import { and, eq } from 'drizzle-orm'
import type { PolicyCondition, ReleasePolicyDetails } from '@tg/contracts'
import type { Executor } from '../../db/client'
import { tgspReleases } from '../../db/schema'
import { AppError } from '../../lib/errors'
import { healthTotals } from './release-health-repo'
import type { FleetRow } from './repo'

export type PolicyVerdict = {
  isAllowed: boolean
  /** The channel the package must prove itself on first; null for the first channel or with no policy. */
  previousChannel: string | null
  /** When the soak time has passed (ISO); null when met, not set, or the package is not live there. */
  allowedAt: string | null
  conditions: PolicyCondition[]
}

const percent = (rate: number) => `${Math.round(rate * 10_000) / 100}%`

async function soakCondition(
  tx: Executor,
  fleet: FleetRow,
  packageId: string,
  previousChannel: string,
  now: Date,
): Promise<{ condition: PolicyCondition; allowedAt: string | null }> {
  const stints = await tx
    .select({ createdAt: tgspReleases.createdAt, supersededAt: tgspReleases.supersededAt })
    .from(tgspReleases)
    .where(
      and(
        eq(tgspReleases.fleetId, fleet.id),
        eq(tgspReleases.channel, previousChannel),
        eq(tgspReleases.packageId, packageId),
      ),
    )
  const soakMs = fleet.soakMinutes * 60_000
  const longest = Math.max(0, ...stints.map((s) => (s.supersededAt ?? now).getTime() - s.createdAt.getTime()))
  const observed = stints.length === 0 ? null : Math.floor(longest / 60_000)
  const passed = stints.length > 0 && longest >= soakMs
  const live = stints.find((s) => s.supersededAt === null)
  const allowedAt = !passed && live ? new Date(live.createdAt.getTime() + soakMs).toISOString() : null
  const soak = `The soak time on ${previousChannel} is ${fleet.soakMinutes} minutes`
  const message = passed
    ? `${soak}: live there for ${observed}.`
    : allowedAt
      ? `${soak}: live there for ${observed} so far, allowed from ${allowedAt}.`
      : `${soak}: it is not live on ${previousChannel} of this fleet, release it there first.`
  return { condition: { name: 'soak', required: fleet.soakMinutes, observed, passed, message }, allowedAt }
}

async function healthConditions(
  tx: Executor,
  fleet: FleetRow,
  packageId: string,
  previousChannel: string,
): Promise<PolicyCondition[]> {
  const maxRate = fleet.healthMaxFailureRate
  if (maxRate === null) return []
  const totals = await healthTotals(tx, { fleetId: fleet.id, channel: previousChannel, packageId })
  const samples = totals.successes + totals.failures
  const on = `on ${previousChannel}`
  return [
    {
      name: 'reports',
      required: fleet.healthMinReports,
      observed: totals.reports,
      passed: totals.reports >= fleet.healthMinReports,
      message: `${totals.reports} of at least ${fleet.healthMinReports} health reports ${on}.`,
    },
    {
      name: 'samples',
      required: fleet.healthMinSamples,
      observed: samples,
      passed: samples >= fleet.healthMinSamples,
      message: `${samples} of at least ${fleet.healthMinSamples} samples ${on}.`,
    },
    {
      name: 'failureRate',
      required: maxRate,
      observed: totals.failureRate,
      passed: totals.failureRate !== null && totals.failureRate <= maxRate,
      message:
        totals.failureRate === null
          ? `No samples ${on}: the failure rate must be at most ${percent(maxRate)}.`
          : `Failure rate ${percent(totals.failureRate)} ${on}, at most ${percent(maxRate)} allowed.`,
    },
  ]
}

/** Whether `packageId` may go live on `channel` of `fleet` now, with every condition and its observed value. */
export async function checkReleasePolicy(
  tx: Executor,
  { fleet, packageId, channel }: { fleet: FleetRow; packageId: string; channel: string },
  channels: readonly string[],
  now = new Date(),
): Promise<PolicyVerdict> {
  const position = channels.indexOf(channel)
  const previousChannel = position > 0 ? (channels[position - 1] ?? null) : null
  const hasPolicy = fleet.soakMinutes > 0 || fleet.healthMaxFailureRate !== null
  if (!previousChannel || !hasPolicy) return { isAllowed: true, previousChannel: null, allowedAt: null, conditions: [] }
  const conditions: PolicyCondition[] = []
  let allowedAt: string | null = null
  if (fleet.soakMinutes > 0) {
    const soak = await soakCondition(tx, fleet, packageId, previousChannel, now)
    conditions.push(soak.condition)
    allowedAt = soak.allowedAt
  }
  conditions.push(...(await healthConditions(tx, fleet, packageId, previousChannel)))
  return { isAllowed: conditions.every((c) => c.passed), previousChannel, allowedAt, conditions }
}

export function policyDetails(verdict: PolicyVerdict): ReleasePolicyDetails {
  return {
    previousChannel: verdict.previousChannel ?? '',
    allowedAt: verdict.allowedAt,
    conditions: verdict.conditions,
  }
}

export function policyRefusal(verdict: PolicyVerdict, fleetName: string): AppError {
  const unmet = verdict.conditions.filter((c) => !c.passed)
  return new AppError(
    'RELEASE_POLICY',
    `The release policy of the fleet "${fleetName}" is not met on ${verdict.previousChannel}: ` +
      unmet.map((c) => c.message).join(' '),
    policyDetails(verdict),
  )
}
