import type { Fleet, Release } from '@tg/contracts'

/** One channel of one fleet: the release live now, and what was live before it, newest first. */
export type ChannelTimeline = { channel: string; live: Release | null; history: Release[] }
/** One active fleet with a timeline per channel. */
export type FleetTimeline = { fleet: Fleet; channels: ChannelTimeline[] }

const newestFirst = (a: Release, b: Release) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id)

/**
 * Groups releases per active fleet and per channel. Channels come in promotion order (as
 * configured), then any other channel that releases name (one since removed from the
 * configuration), so that no release goes unlisted. Archived fleets are left out.
 */
export function buildFleetTimelines(
  releases: readonly Release[],
  fleets: readonly Fleet[],
  channels: readonly string[],
): FleetTimeline[] {
  const extra = [...new Set(releases.map((r) => r.channel).filter((c) => !channels.includes(c)))].sort()
  const allChannels = [...channels, ...extra]
  return fleets
    .filter((fleet) => fleet.status === 'active')
    .map((fleet) => {
      const ofFleet = releases.filter((r) => r.fleet.id === fleet.id)
      const timelines = allChannels
        .map((channel) => {
          const ofChannel = ofFleet.filter((r) => r.channel === channel).sort(newestFirst)
          return {
            channel,
            live: ofChannel.find((r) => r.isActive) ?? null,
            history: ofChannel.filter((r) => !r.isActive),
          }
        })
        .filter((timeline) => channels.includes(timeline.channel) || timeline.history.length > 0 || timeline.live)
      return { fleet, channels: timelines }
    })
}

/**
 * The loaded pages of history together with what is live now (which may be older than the loaded
 * pages), each release once: the pages' copy first.
 */
export function mergeReleases(pages: readonly Release[], live: readonly Release[]): Release[] {
  const seen = new Set(pages.map((r) => r.id))
  return [...pages, ...live.filter((r) => !seen.has(r.id))]
}

/** What a rollback does: `release`'s package goes live again and replaces `live` (if any). */
export type RollbackTarget = { release: Release; live: Release | null }

/**
 * True when the release was live once and has been replaced, and its package is not the one live
 * on that fleet and channel now (rolling back to it would change nothing: the API answers 409).
 */
export function canRollBackTo(release: Release, live: Release | null): boolean {
  return !release.isActive && release.supersededAt !== null && live?.package.id !== release.package.id
}

/** Why the releases page has nothing to show; each reason has one next action. */
export type ReleaseEmptyReason = 'no-fleets' | 'unknown-fleet' | 'nothing-released'

/**
 * No active fleet to release to, the URL names a fleet that is not active (archived or gone),
 * or nothing was ever released. Null when there are timelines to show: a chosen fleet is shown
 * even when it has no releases yet, with its empty channels.
 */
export function releaseEmptyReasonOf(
  timelines: readonly FleetTimeline[],
  releaseCount: number,
  fleetFilter: string | undefined,
): ReleaseEmptyReason | null {
  if (fleetFilter) return timelines.some((t) => t.fleet.id === fleetFilter) ? null : 'unknown-fleet'
  if (timelines.length === 0) return 'no-fleets'
  return releaseCount === 0 ? 'nothing-released' : null
}
