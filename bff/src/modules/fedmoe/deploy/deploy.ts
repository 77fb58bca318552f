// Deploy: a validated (or already deployed) version takes a channel once its gate passes there.
import { allowedStatusChanges, summarizeGate } from '@tg/contracts'
import type { DeployExpertBody, ExpertDeployment, GateEvaluation } from '@tg/contracts'
import { eq } from 'drizzle-orm'
import { expertVersions } from '../../../db/schema'
import { conflict } from '../../../lib/errors'
import type { AuditContext } from '../../audit/record'
import { VERSION_RESOURCE } from '../context'
import type { FedmoeDeps } from '../context'
import { evaluateVersionGate, refuseByGate, requireChannel } from '../gates/check'
import { liveOnChannel, requireFamily, requireVersion, toDeployment } from '../repo'
import type { VersionRow } from '../repo'
import { switchChannel } from './switch'

type Outcome =
  { kind: 'deployed'; deployment: ExpertDeployment } | { kind: 'gate_failed'; row: VersionRow; gate: GateEvaluation }

export async function deployVersion(
  deps: FedmoeDeps,
  ctx: AuditContext,
  expertId: string,
  versionId: string,
  body: DeployExpertBody,
): Promise<ExpertDeployment> {
  requireChannel(deps, body.channel)
  const outcome = await deps.db.transaction(async (tx): Promise<Outcome> => {
    const family = await requireFamily(tx, expertId, true)
    const row = await requireVersion(tx, expertId, versionId)
    if (row.status !== 'validated' && row.status !== 'deployed')
      throw conflict(`Version ${row.version} is ${row.status}: only a validated version can be deployed.`, {
        from: row.status,
        to: 'deployed',
        allowed: allowedStatusChanges(row.status),
      })
    const current = await liveOnChannel(tx, expertId, body.channel)
    if (current?.versionId === versionId)
      throw conflict(`Version ${row.version} is live on ${body.channel} already.`, { field: 'channel' })
    const gate = await evaluateVersionGate(tx, row, body.channel)
    if (!gate.passed) return { kind: 'gate_failed', row, gate }
    const { deployment, previous } = await switchChannel(deps, tx, {
      expertId,
      channel: body.channel,
      versionId,
      action: 'deploy',
      reason: body.reason,
      deployedBy: ctx.actor.name,
    })
    await tx
      .update(expertVersions)
      .set({ lastGate: summarizeGate(gate) })
      .where(eq(expertVersions.id, versionId))
    await deps.audit.record(tx, ctx, {
      action: 'fedmoe.version.deployed',
      resourceType: VERSION_RESOURCE,
      resourceId: versionId,
      outcome: 'success',
      details: {
        expertId,
        name: family.name,
        version: row.version,
        channel: body.channel,
        deploymentId: deployment.id,
        previous,
        reason: body.reason,
        gate: summarizeGate(gate),
      },
    })
    return { kind: 'deployed', deployment: toDeployment(deployment, row.version) }
  })
  if (outcome.kind === 'gate_failed') return refuseByGate(deps, ctx, outcome.row, 'deploy', outcome.gate)
  return outcome.deployment
}
