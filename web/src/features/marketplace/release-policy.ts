// The fleet's release policy as the promote dialog explains it: whether the package may go to the
// chosen channel now, or from when (the server decides; this mirrors bff/src/modules/tgsp/release-policy.ts).
import type { Fleet, Release } from '@tg/contracts'

export type SoakStatus =
  | { kind: 'no-policy' }
  | { kind: 'soaked'; previousChannel: string }
  | { kind: 'waiting'; previousChannel: string; allowedAt: string }
  | { kind: 'not-on-previous'; previousChannel: string }

export function soakStatusOf(
  releases: readonly Release[],
  fleet: Pick<Fleet, 'id' | 'soakMinutes'>,
  channel: string,
  channels: readonly string[],
  now: number,
): SoakStatus {
  const position = channels.indexOf(channel)
  const previousChannel = position > 0 ? channels[position - 1] : undefined
  if (!previousChannel || fleet.soakMinutes === 0) return { kind: 'no-policy' }
  const soakMs = fleet.soakMinutes * 60_000
  const stints = releases.filter((r) => r.fleet.id === fleet.id && r.channel === previousChannel)
  const lasted = (r: Release) => (r.supersededAt ? Date.parse(r.supersededAt) : now) - Date.parse(r.createdAt)
  if (stints.some((r) => lasted(r) >= soakMs)) return { kind: 'soaked', previousChannel }
  const live = stints.find((r) => r.supersededAt === null)
  if (!live) return { kind: 'not-on-previous', previousChannel }
  return { kind: 'waiting', previousChannel, allowedAt: new Date(Date.parse(live.createdAt) + soakMs).toISOString() }
}
