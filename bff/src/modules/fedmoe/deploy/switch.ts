// Taking a channel: the version live there ends (and returns to validated when it is live
// nowhere else), the new deployment row opens. Runs inside the caller's transaction.
import { and, eq, isNull } from 'drizzle-orm'
import type { Tx } from '../../../db/client'
import { expertDeployments, expertVersions } from '../../../db/schema'
import { emit } from '../../integrations/emit'
import { publish } from '../context'
import type { FedmoeDeps } from '../context'
import { channelsOf, liveOnChannel } from '../repo'
import type { DeploymentRow } from '../repo'

export type SwitchInput = {
  expertId: string
  channel: string
  versionId: string
  action: 'deploy' | 'rollback'
  reason: string
  deployedBy: string | null
}

export async function switchChannel(
  deps: FedmoeDeps,
  tx: Tx,
  input: SwitchInput,
): Promise<{ deployment: DeploymentRow; previous: { versionId: string; version: string } | null }> {
  const { expertId, channel, versionId } = input
  const current = await liveOnChannel(tx, expertId, channel)
  let previous: { versionId: string; version: string } | null = null
  if (current) {
    await tx
      .update(expertDeployments)
      .set({ endedAt: new Date() })
      .where(and(eq(expertDeployments.id, current.id), isNull(expertDeployments.endedAt)))
    const stillLive = await channelsOf(tx, current.versionId)
    const [prior] = await tx.select().from(expertVersions).where(eq(expertVersions.id, current.versionId))
    previous = { versionId: current.versionId, version: prior?.version ?? '' }
    if (stillLive.length === 0 && prior?.status === 'deployed') {
      await tx
        .update(expertVersions)
        .set({ status: 'validated', updatedAt: new Date() })
        .where(eq(expertVersions.id, current.versionId))
      await publish(deps, tx, { type: 'version', expertId, versionId: current.versionId, status: 'validated' })
    }
  }
  const [deployment] = await tx
    .insert(expertDeployments)
    .values({
      expertId,
      channel,
      versionId,
      action: input.action,
      reason: input.reason,
      deployedBy: input.deployedBy,
    })
    .returning()
  if (!deployment) throw new Error('insert returned no row')
  await tx
    .update(expertVersions)
    .set({ status: 'deployed', updatedAt: new Date() })
    .where(eq(expertVersions.id, versionId))
  await publish(deps, tx, { type: 'version', expertId, versionId, status: 'deployed' })
  await publish(deps, tx, { type: 'deployment', expertId, channel })
  // Webhook subscribers hear of it in the same transaction (a rollback is a deploy of an earlier version).
  await emit(tx, 'expert.deployed', {
    expertId,
    versionId,
    channel,
    deploymentId: deployment.id,
    action: input.action,
  })
  return { deployment, previous }
}
