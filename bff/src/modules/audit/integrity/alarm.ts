// The alarm row every replica shares (audit_integrity, id 1). A finding is raised, and audited,
// once; it is cleared, and that is audited too, only by a check that rehashed the whole log from
// entry 0 after the finding was raised and found nothing.
import { eq } from 'drizzle-orm'
import type { AuditIntegrity } from '@tg/contracts'
import type { Db, Executor } from '../../../db/client'
import { auditIntegrity } from '../../../db/schema'
import { SERVER_ACTOR, recordAuditEvent } from '../record'
import { findingKeyOf } from './finding'
import type { Finding } from './finding'

type AlarmRow = typeof auditIntegrity.$inferSelect
const SERVER = { actor: SERVER_ACTOR, requestId: null, clientIp: null }

async function lockAlarm(tx: Executor): Promise<AlarmRow> {
  const [row] = await tx.select().from(auditIntegrity).where(eq(auditIntegrity.id, 1)).for('update')
  if (!row) throw new Error('audit_integrity row is missing: migrations incomplete')
  return row
}

export async function readAlarm(ex: Executor): Promise<AuditIntegrity> {
  const [row] = await ex.select().from(auditIntegrity).where(eq(auditIntegrity.id, 1))
  if (!row) throw new Error('audit_integrity row is missing: migrations incomplete')
  const finding = row.finding as Finding | null
  return {
    status: row.status,
    finding:
      row.status === 'failed' && finding && row.detectedAt
        ? { ...finding, detectedAt: row.detectedAt.toISOString() }
        : null,
    checkedAt: row.checkedAt?.toISOString() ?? null,
    checkedTreeSize: row.checkedTreeSize,
  }
}

/** Raises the alarm with `finding`; audits it when it is not the finding already raised. */
export async function raiseAlarm(db: Db, finding: Finding, treeSize: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    const row = await lockAlarm(tx)
    const key = findingKeyOf(finding)
    const isNew = row.status !== 'failed' || row.findingKey !== key
    const now = new Date()
    await tx
      .update(auditIntegrity)
      .set({
        status: 'failed',
        finding,
        findingKey: key,
        detectedAt: isNew ? now : row.detectedAt,
        checkedAt: now,
        checkedTreeSize: treeSize,
      })
      .where(eq(auditIntegrity.id, 1))
    if (isNew)
      await recordAuditEvent(tx, SERVER, {
        action: 'audit.integrity_failed',
        resourceType: 'audit_log',
        resourceId: finding.seq === null ? null : String(finding.seq),
        outcome: 'failure',
        details: { ...finding },
      })
    return isNew
  })
}

/**
 * Records a clean check of the whole tree of `treeSize`. A raised alarm is cleared (and that
 * audited) only when the pass that found nothing started after the finding was raised.
 */
export async function recordCleanCheck(
  db: Db,
  treeSize: number,
  passStartedAt: Date,
): Promise<'ok' | 'cleared' | 'kept'> {
  return db.transaction(async (tx) => {
    const row = await lockAlarm(tx)
    const now = new Date()
    if (row.status === 'failed' && row.detectedAt && row.detectedAt >= passStartedAt) return 'kept'
    await tx
      .update(auditIntegrity)
      .set({
        status: 'ok',
        finding: null,
        findingKey: null,
        detectedAt: null,
        checkedAt: now,
        checkedTreeSize: treeSize,
      })
      .where(eq(auditIntegrity.id, 1))
    if (row.status !== 'failed') return 'ok'
    await recordAuditEvent(tx, SERVER, {
      action: 'audit.integrity_restored',
      resourceType: 'audit_log',
      resourceId: null,
      outcome: 'success',
      details: { cleared: row.finding, checkedTreeSize: treeSize },
    })
    return 'cleared'
  })
}
