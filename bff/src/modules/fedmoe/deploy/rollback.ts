// Rollback: the emergency path. An earlier version that was live on the channel takes it again,
// without evaluating the gate (the audit entry says so).
import { and, eq } from 'drizzle-orm'
import type { ExpertDeployment, RollbackExpertBody } from '@tg/contracts'
import { expertDeployments } from '../../../db/schema'
import { conflict } from '../../../lib/errors'
import type { AuditContext } from '../../audit/record'
import { VERSION_RESOURCE } from '../context'
import type { FedmoeDeps } from '../context'
import { requireChannel } from '../gates/check'
import { liveOnChannel, requireFamily, requireVersion, toDeployment } from '../repo'
import { switchChannel } from './switch'

export async function rollback(
  deps: FedmoeDeps,
  ctx: AuditContext,
  expertId: string,
  body: RollbackExpertBody,
): Promise<ExpertDeployment> {
  requireChannel(deps, body.channel)
  return deps.db.transaction(async (tx) => {
    const family = await requireFamily(tx, expertId, true)
    const target = await requireVersion(tx, expertId, body.toVersionId)
    const [before] = await tx
      .select({ id: expertDeployments.id })
      .from(expertDeployments)
      .where(
        and(
          eq(expertDeployments.expertId, expertId),
          eq(expertDeployments.channel, body.channel),
          eq(expertDeployments.versionId, target.id),
        ),
      )
      .limit(1)
    if (!before)
      throw conflict(
        `Version ${target.version} was never deployed on ${body.channel}: roll back only to an earlier deployment.`,
        {
          field: 'toVersionId',
        },
      )
    const current = await liveOnChannel(tx, expertId, body.channel)
    if (current?.versionId === target.id)
      throw conflict(`Version ${target.version} is live on ${body.channel} already.`, { field: 'toVersionId' })
    if (target.status !== 'validated' && target.status !== 'deployed')
      throw conflict(`Version ${target.version} is ${target.status}: only a validated version can be rolled back to.`, {
        field: 'toVersionId',
        status: target.status,
      })
    const { deployment, previous } = await switchChannel(deps, tx, {
      expertId,
      channel: body.channel,
      versionId: target.id,
      action: 'rollback',
      reason: body.reason,
      deployedBy: ctx.actor.name,
    })
    await deps.audit.record(tx, ctx, {
      action: 'fedmoe.version.rolled_back',
      resourceType: VERSION_RESOURCE,
      resourceId: target.id,
      outcome: 'success',
      details: {
        expertId,
        name: family.name,
        version: target.version,
        channel: body.channel,
        deploymentId: deployment.id,
        previous,
        reason: body.reason,
        gateEvaluated: false,
        note: 'A rollback is the emergency path: the promotion gate was not evaluated.',
      },
    })
    return toDeployment(deployment, target.version)
  })
}
