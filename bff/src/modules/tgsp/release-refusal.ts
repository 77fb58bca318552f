// A promotion that the fleet's release policy refuses: the release itself rolls back, then the
// refusal is audited in its own transaction (like FedMoE's failed gates) and the caller gets 409.
import type { CreateReleaseBody } from '@tg/contracts'
import type { Db, Tx } from '../../db/client'
import { AppError } from '../../lib/errors'
import type { AuditContext, AuditLog } from '../audit/record'

export async function refuseRelease<T>(
  deps: { db: Db; audit: AuditLog },
  ctx: AuditContext,
  body: CreateReleaseBody,
  release: (tx: Tx) => Promise<T>,
): Promise<T> {
  try {
    return await deps.db.transaction(release)
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'RELEASE_POLICY') throw err
    await deps.db.transaction((tx) =>
      deps.audit.record(tx, ctx, {
        action: 'tgsp.release_refused',
        resourceType: 'tgsp_fleet',
        resourceId: body.fleetId,
        outcome: 'failure',
        details: { channel: body.channel, packageId: body.packageId, ...err.details },
      }),
    )
    throw err
  }
}
