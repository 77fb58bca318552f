// Gate policies: a family's own, or the platform default (the row without expert_id).
import { eq, isNull, or } from 'drizzle-orm'
import { GatePolicySchema } from '@tg/contracts'
import type { GatePolicy, GatePolicyResponse, SetDefaultGatePolicyBody, SetGatePolicyBody } from '@tg/contracts'
import type { Executor } from '../../../db/client'
import { expertGatePolicies } from '../../../db/schema'
import type { AuditContext } from '../../audit/record'
import { POLICY_RESOURCE, publish } from '../context'
import type { FedmoeDeps } from '../context'
import { requireFamily } from '../repo'

/** The policy in force for a family: its own row, else the default row. */
export async function loadPolicy(ex: Executor, expertId: string): Promise<GatePolicyResponse> {
  const rows = await ex
    .select({ expertId: expertGatePolicies.expertId, policy: expertGatePolicies.policy })
    .from(expertGatePolicies)
    .where(or(eq(expertGatePolicies.expertId, expertId), isNull(expertGatePolicies.expertId)))
  const own = rows.find((r) => r.expertId === expertId)
  if (own) return { source: 'family', policy: GatePolicySchema.parse(own.policy) }
  const fallback = rows.find((r) => r.expertId === null)
  if (!fallback) throw new Error('the default gate policy row is missing (migration 0009 seeds it)')
  return { source: 'default', policy: GatePolicySchema.parse(fallback.policy) }
}

export async function loadDefaultPolicy(ex: Executor): Promise<GatePolicy> {
  const [row] = await ex.select().from(expertGatePolicies).where(isNull(expertGatePolicies.expertId))
  if (!row) throw new Error('the default gate policy row is missing (migration 0009 seeds it)')
  return GatePolicySchema.parse(row.policy)
}

export async function getFamilyPolicy(deps: FedmoeDeps, expertId: string): Promise<GatePolicyResponse> {
  await requireFamily(deps.db, expertId)
  return loadPolicy(deps.db, expertId)
}

export async function setFamilyPolicy(
  deps: FedmoeDeps,
  ctx: AuditContext,
  expertId: string,
  body: SetGatePolicyBody,
): Promise<GatePolicyResponse> {
  return deps.db.transaction(async (tx) => {
    const family = await requireFamily(tx, expertId, true)
    const before = await loadPolicy(tx, expertId)
    if (body.policy === null) await tx.delete(expertGatePolicies).where(eq(expertGatePolicies.expertId, expertId))
    else
      await tx
        .insert(expertGatePolicies)
        .values({ expertId, policy: body.policy, updatedBy: ctx.actor.name })
        .onConflictDoUpdate({
          target: expertGatePolicies.expertId,
          set: { policy: body.policy, updatedBy: ctx.actor.name, updatedAt: new Date() },
        })
    const after = await loadPolicy(tx, expertId)
    await deps.audit.record(tx, ctx, {
      action: 'fedmoe.gate_policy.changed',
      resourceType: POLICY_RESOURCE,
      resourceId: expertId,
      outcome: 'success',
      details: { scope: 'family', expertId, name: family.name, before, after, reason: body.reason },
    })
    await publish(deps, tx, { type: 'expert', expertId })
    return after
  })
}

export async function setDefaultPolicy(
  deps: FedmoeDeps,
  ctx: AuditContext,
  body: SetDefaultGatePolicyBody,
): Promise<GatePolicy> {
  return deps.db.transaction(async (tx) => {
    const [locked] = await tx.select().from(expertGatePolicies).where(isNull(expertGatePolicies.expertId)).for('update')
    if (!locked) throw new Error('the default gate policy row is missing (migration 0009 seeds it)')
    const before = GatePolicySchema.parse(locked.policy)
    await tx
      .update(expertGatePolicies)
      .set({ policy: body.policy, updatedBy: ctx.actor.name, updatedAt: new Date() })
      .where(eq(expertGatePolicies.id, locked.id))
    await deps.audit.record(tx, ctx, {
      action: 'fedmoe.gate_policy.changed',
      resourceType: POLICY_RESOURCE,
      resourceId: 'default',
      outcome: 'success',
      details: { scope: 'default', before, after: body.policy, reason: body.reason },
    })
    return body.policy
  })
}
