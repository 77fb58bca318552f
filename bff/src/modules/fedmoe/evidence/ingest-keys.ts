import { inArray } from 'drizzle-orm'
import type { CreatedApiKey, CreateIngestKeyBody } from '@tg/contracts'
import { expertFamilies } from '../../../db/schema'
import { AppError } from '../../../lib/errors'
import { insertApiKey } from '../../admin/service'
import type { AuditContext } from '../../audit/record'
import type { EvidenceDeps } from './context'

/**
 * An API key whose only right is to post evidence for the named families (the guard refuses it
 * every other route, and other families). Listed and revoked with the admin key routes.
 */
export async function createIngestKey(
  deps: EvidenceDeps,
  ctx: AuditContext,
  body: CreateIngestKeyBody,
): Promise<CreatedApiKey> {
  if (body.expiresAt && new Date(body.expiresAt) <= new Date())
    throw new AppError('VALIDATION_FAILED', 'The expiry is in the past.', {
      issues: [{ path: 'expiresAt', message: 'Use a time in the future, or none.' }],
    })
  return deps.db.transaction(async (tx) => {
    const families = await tx
      .select({ id: expertFamilies.id, name: expertFamilies.name })
      .from(expertFamilies)
      .where(inArray(expertFamilies.id, body.expertIds))
    const missing = body.expertIds.filter((id) => !families.some((family) => family.id === id))
    if (missing.length > 0)
      throw new AppError('NOT_FOUND', `Expert family ${missing.join(', ')} not found.`, { expertIds: missing })
    const created = await insertApiKey(tx, deps.audit, deps.hashSecret, ctx, {
      name: body.name,
      roles: [],
      ...(body.expiresAt ? { expiresAt: body.expiresAt } : {}),
      scopeExpertIds: body.expertIds,
    })
    await deps.audit.record(tx, ctx, {
      action: 'fedmoe.ingest_key.created',
      resourceType: 'api_key',
      resourceId: created.apiKey.id,
      outcome: 'success',
      details: {
        name: body.name,
        prefix: created.apiKey.prefix,
        expertIds: body.expertIds,
        families: body.expertIds.map((id) => families.find((family) => family.id === id)?.name ?? id),
      },
    })
    return created
  })
}
