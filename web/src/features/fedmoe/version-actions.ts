// What the family page offers for a version, from the server's own rules: status moves from
// EXPERT_TRANSITIONS, deploy targets (channels the version is not live on), and rollback targets
// (validated versions that were live on the channel before). The server checks all of it again.
import { allowedStatusChanges } from '@tg/contracts'
import type { ExpertDeployment, ExpertStatus, ExpertVersion, LiveDeployment, StatusChangeTarget } from '@tg/contracts'

/** The status route's moves from this status, as buttons. */
export function statusMovesOf(status: ExpertStatus): StatusChangeTarget[] {
  return allowedStatusChanges(status)
}

export const STATUS_MOVE_LABELS: Record<StatusChangeTarget, string> = { validated: 'Validate', archived: 'Archive' }

/** Channels the version could go live on: it must be validated or deployed, and not live there already. */
export function deployChannelsOf(
  version: Pick<ExpertVersion, 'id' | 'status'>,
  channels: readonly string[],
  live: readonly LiveDeployment[],
): string[] {
  if (version.status !== 'validated' && version.status !== 'deployed') return []
  return channels.filter((channel) => !live.some((d) => d.channel === channel && d.versionId === version.id))
}

/** The version live on a channel now, if any. */
export function liveOn(channel: string, live: readonly LiveDeployment[]): LiveDeployment | null {
  return live.find((d) => d.channel === channel) ?? null
}

/**
 * Versions a channel can roll back to: live there before (the history), validated now, and not
 * the one live there now; newest deployment first, each once.
 */
export function rollbackTargetsOf(
  channel: string,
  history: readonly ExpertDeployment[],
  versions: readonly Pick<ExpertVersion, 'id' | 'version' | 'status'>[],
  live: readonly LiveDeployment[],
): Array<Pick<ExpertVersion, 'id' | 'version' | 'status'>> {
  const current = liveOn(channel, live)?.versionId
  const seen = new Set<string>()
  const targets: Array<Pick<ExpertVersion, 'id' | 'version' | 'status'>> = []
  for (const row of history) {
    if (row.channel !== channel || row.versionId === current || seen.has(row.versionId)) continue
    seen.add(row.versionId)
    const version = versions.find((v) => v.id === row.versionId)
    if (version && version.status === 'validated') targets.push(version)
  }
  return targets
}

/** What a deploy or rollback changes on a channel, in one sentence. */
export function describeSwitch(channel: string, next: string, current: LiveDeployment | null): string {
  if (!current) return `Nothing is live on ${channel} now; ${next} will be.`
  return `${current.version} is live on ${channel} now; ${next} will be, and ${current.version} leaves ${channel}.`
}
