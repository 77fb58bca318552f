import { and, eq, getTableColumns, sql } from 'drizzle-orm'
import type { EvidenceItem, EvidenceType } from '@tg/contracts'
import type { Executor } from '../../../db/client'
import { expertEvidence, expertVersions } from '../../../db/schema'
import { notFound } from '../../../lib/errors'
import { EVIDENCE_AUDIT_ACTION, EVIDENCE_RESOURCE_TYPE } from './context'

export const evidenceColumns = getTableColumns(expertEvidence)

export type EvidenceRow = typeof expertEvidence.$inferSelect & { auditSeq?: number | null }

/** The sequence number of the item's audit entry (null until the log has sequenced it). */
export const auditSeqOf = sql<number | null>`(
  select a.seq from audit_log a
  where a.resource_type = ${EVIDENCE_RESOURCE_TYPE} and a.resource_id = ${expertEvidence.id}::text
    and a.action = ${EVIDENCE_AUDIT_ACTION}
  order by a.seq limit 1)`.mapWith(Number)

export function toEvidenceItem(row: EvidenceRow): EvidenceItem {
  return {
    id: row.id,
    expertId: row.expertId,
    versionId: row.versionId,
    type: row.type as EvidenceType,
    digest: row.digest,
    summary: row.summary as EvidenceItem['summary'],
    traceCount: row.traceCount,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdByKey
      ? { kind: 'api_key', name: row.createdByKey }
      : { kind: 'user', name: row.createdByUser ?? 'unknown' },
    idempotencyKey: row.idempotencyKey,
    audit: {
      action: EVIDENCE_AUDIT_ACTION,
      resourceType: EVIDENCE_RESOURCE_TYPE,
      resourceId: row.id,
      seq: row.auditSeq ?? null,
    },
  }
}

/** The version, when it belongs to the family; 404 otherwise. */
export async function requireFamilyVersion(ex: Executor, expertId: string, versionId: string) {
  const [row] = await ex
    .select({ id: expertVersions.id, status: expertVersions.status, version: expertVersions.version })
    .from(expertVersions)
    .where(and(eq(expertVersions.id, versionId), eq(expertVersions.expertId, expertId)))
  if (!row) throw notFound('Expert version')
  return row
}

export async function findEvidence(ex: Executor, evidenceId: string): Promise<EvidenceRow | undefined> {
  const [row] = await ex
    .select({ ...evidenceColumns, auditSeq: auditSeqOf })
    .from(expertEvidence)
    .where(eq(expertEvidence.id, evidenceId))
  return row
}

export async function requireEvidence(ex: Executor, evidenceId: string): Promise<EvidenceRow> {
  const row = await findEvidence(ex, evidenceId)
  if (!row) throw notFound('Evidence item')
  return row
}
