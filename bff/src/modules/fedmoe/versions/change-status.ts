// The status route: validate (the gate is evaluated) or archive; the machine refuses the rest.
import { eq } from 'drizzle-orm'
import { allowedStatusChanges, summarizeGate } from '@tg/contracts'
import type { ChangeStatusBody, ExpertVersion, GateEvaluation } from '@tg/contracts'
import { expertVersions } from '../../../db/schema'
import { conflict } from '../../../lib/errors'
import type { AuditContext } from '../../audit/record'
import { VERSION_RESOURCE, publish } from '../context'
import type { FedmoeDeps } from '../context'
import { evaluateVersionGate, refuseByGate } from '../gates/check'
import { channelsOf, requireFamily, requireVersion, toVersion } from '../repo'
import type { VersionRow } from '../repo'

type Outcome =
  { kind: 'changed'; version: ExpertVersion } | { kind: 'gate_failed'; row: VersionRow; gate: GateEvaluation }

export async function changeStatus(
  deps: FedmoeDeps,
  ctx: AuditContext,
  expertId: string,
  versionId: string,
  body: ChangeStatusBody,
): Promise<ExpertVersion> {
  const outcome = await deps.db.transaction(async (tx): Promise<Outcome> => {
    await requireFamily(tx, expertId, true)
    const row = await requireVersion(tx, expertId, versionId)
    const from = row.status
    const to = body.status
    const allowed = allowedStatusChanges(from)
    if (from === 'deployed' && to === 'archived') {
      const live = await channelsOf(tx, versionId)
      throw conflict(
        `Version ${row.version} is live on ${live.join(', ')}: first deploy another version or roll back, then archive it.`,
        { from, to, allowed },
      )
    }
    if (!allowed.includes(to))
      throw conflict(
        `Version ${row.version} is ${from}: it cannot move to ${to}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}.`,
        { from, to, allowed },
      )
    const gate = to === 'validated' ? await evaluateVersionGate(tx, row, null) : null
    if (gate && !gate.passed) return { kind: 'gate_failed', row, gate }
    const [after] = await tx
      .update(expertVersions)
      .set({ status: to, updatedAt: new Date(), ...(gate ? { lastGate: summarizeGate(gate) } : {}) })
      .where(eq(expertVersions.id, versionId))
      .returning()
    await deps.audit.record(tx, ctx, {
      action: 'fedmoe.version.status_changed',
      resourceType: VERSION_RESOURCE,
      resourceId: versionId,
      outcome: 'success',
      details: {
        expertId,
        version: row.version,
        from,
        to,
        reason: body.reason,
        gate: gate ? summarizeGate(gate) : null,
      },
    })
    await publish(deps, tx, { type: 'version', expertId, versionId, status: to })
    return { kind: 'changed', version: toVersion(after!) }
  })
  if (outcome.kind === 'gate_failed') return refuseByGate(deps, ctx, outcome.row, 'validate', outcome.gate)
  return outcome.version
}
