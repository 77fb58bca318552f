// Release policy per fleet: a package reaches a channel (stable) only after it was live on the
// channel before it in the promotion order (canary) for the fleet's soak time, unless an admin
// overrides the policy with a reason (audited with the release).
import { and, eq } from 'drizzle-orm'
import type { Executor } from '../../db/client'
import { tgspReleases } from '../../db/schema'
import { AppError } from '../../lib/errors'
import type { FleetRow } from './repo'

export type SoakVerdict = {
  isAllowed: boolean
  /** The channel the package must soak on first; null for the first channel or with no soak time. */
  previousChannel: string | null
  /** When the soak time has passed (ISO); null when the package was never live on the previous channel. */
  allowedAt: string | null
}

/**
 * Whether `packageId` may go live on `channel` of `fleet` now: it must have been live on the
 * previous channel, in one stretch, for `fleet.soakMinutes` (up to now when still live there).
 */
export async function checkSoak(
  tx: Executor,
  { fleet, packageId, channel }: { fleet: FleetRow; packageId: string; channel: string },
  channels: readonly string[],
  now = new Date(),
): Promise<SoakVerdict> {
  const position = channels.indexOf(channel)
  const previousChannel = position > 0 ? (channels[position - 1] ?? null) : null
  if (!previousChannel || fleet.soakMinutes === 0) return { isAllowed: true, previousChannel: null, allowedAt: null }
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
  const soaked = stints.some((s) => (s.supersededAt ?? now).getTime() - s.createdAt.getTime() >= soakMs)
  if (soaked) return { isAllowed: true, previousChannel, allowedAt: null }
  // Still live there: allowed once its current stretch reaches the soak time.
  const live = stints.find((s) => s.supersededAt === null)
  const allowedAt = live ? new Date(live.createdAt.getTime() + soakMs).toISOString() : null
  return { isAllowed: false, previousChannel, allowedAt }
}

export function soakRefusal(verdict: SoakVerdict, fleetName: string): AppError {
  const { previousChannel, allowedAt } = verdict
  const when = allowedAt
    ? `It has been live on ${previousChannel} since less than the soak time: allowed from ${allowedAt}.`
    : `It is not live on ${previousChannel} of this fleet: release it there first.`
  return new AppError(
    'RELEASE_POLICY',
    `The fleet "${fleetName}" requires a soak time on ${previousChannel}. ${when}`,
    {
      previousChannel,
      allowedAt,
    },
  )
}
