import { and, desc, eq, sql } from 'drizzle-orm'
import type { EvidencePage, ListEvidenceQuery } from '@tg/contracts'
import { expertEvidence } from '../../../db/schema'
import { decodeCursor, toPage } from '../../../lib/pagination'
import type { EvidenceDeps } from './context'
import { auditSeqOf, evidenceColumns, requireFamilyVersion, toEvidenceItem } from './repo'

/** Creation time at the millisecond a cursor carries (the column keeps microseconds). */
const createdMs = sql`date_trunc('milliseconds', ${expertEvidence.createdAt})`

/** A version's evidence, newest first, paged by (createdAt, id). */
export async function listEvidence(
  deps: Pick<EvidenceDeps, 'db'>,
  expertId: string,
  versionId: string,
  query: ListEvidenceQuery,
): Promise<EvidencePage> {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor)
  await requireFamilyVersion(deps.db, expertId, versionId)
  const rows = await deps.db
    .select({ ...evidenceColumns, auditSeq: auditSeqOf })
    .from(expertEvidence)
    .where(
      and(
        eq(expertEvidence.versionId, versionId),
        query.type ? eq(expertEvidence.type, query.type) : undefined,
        after
          ? sql`(${createdMs} < ${after.at.toISOString()}::timestamptz or (${createdMs} = ${after.at.toISOString()}::timestamptz and ${expertEvidence.id} < ${after.id}::uuid))`
          : undefined,
      ),
    )
    .orderBy(sql`${createdMs} desc`, desc(expertEvidence.id))
    .limit(query.limit + 1)
  return toPage(rows, query.limit, toEvidenceItem)
}
