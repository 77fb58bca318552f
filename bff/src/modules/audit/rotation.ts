import { eq } from 'drizzle-orm'
import type { AuditKeyRotations } from '@tg/contracts'
import { formatRotationBody, signNoteBody } from '@tg/contracts/formats/audit'
import type { Db } from '../../db/client'
import { auditSigningKeys } from '../../db/schema'
import type { Sealer } from '../../lib/seal'
import { activeKeyRows, insertSigningKey, toSigningKey } from './keys'
import type { createSignerCache } from './keys'
import { recordAuditEvent } from './record'
import type { AuditContext } from './record'
import { entriesOfAction } from './repo'
import { lockHead } from './tree'

/** The algorithms of the log's signing keys: each checkpoint is signed by one key of each. */
export const ALGORITHMS = ['ed25519', 'ml-dsa-65'] as const
const ROTATION_ACTION = 'audit.keys_rotated'

/**
 * Retires the active signing keys and makes a new pair in one transaction, with the rotation
 * statement (signed by the outgoing keys) in its audit entry.
 */
export async function rotateSigningKeys(
  db: Db,
  sealer: Sealer,
  signerOf: ReturnType<typeof createSignerCache>,
  ctx: AuditContext,
): Promise<void> {
  await db.transaction(async (tx) => {
    const head = await lockHead(tx)
    const retired = await activeKeyRows(tx)
    await tx
      .update(auditSigningKeys)
      .set({ status: 'retired', retiredAt: new Date() })
      .where(eq(auditSigningKeys.status, 'active'))
    const created = []
    for (const algorithm of ALGORITHMS)
      created.push(toSigningKey(await insertSigningKey(tx, sealer, head.origin ?? '', algorithm)))
    // The outgoing keys vouch for the incoming ones, so that a verifier that trusts them
    // need not be asked to trust the new keys afresh.
    const statement = await signNoteBody(
      formatRotationBody({
        origin: head.origin ?? '',
        rotatedAt: new Date().toISOString(),
        retired: retired.map((row) => toSigningKey(row).verifierKey),
        added: created.map((k) => k.verifierKey),
      }),
      retired.map(signerOf),
    )
    await recordAuditEvent(tx, ctx, {
      action: ROTATION_ACTION,
      resourceType: 'audit_log',
      resourceId: head.origin,
      outcome: 'success',
      details: {
        retired: retired.map((k) => ({ algorithm: k.algorithm, keyId: k.keyId })),
        created: created.map((k) => ({ algorithm: k.algorithm, keyId: k.keyId, fingerprint: k.fingerprint })),
        statement,
      },
    })
  })
}

/** Every rotation statement in the log (the log must be sequenced first). */
export async function keyRotationsOf(db: Db): Promise<AuditKeyRotations> {
  const rows = await entriesOfAction(db, ROTATION_ACTION)
  const items = rows.flatMap((row) => {
    const body = JSON.parse(row.canonical) as { time: string; details?: { statement?: unknown } }
    const statement = body.details?.statement
    return typeof statement === 'string' ? [{ seq: row.seq, rotatedAt: body.time, statement }] : []
  })
  return { items }
}
