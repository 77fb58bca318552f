import { and, desc, eq } from 'drizzle-orm'
import type { EvidencePage, ListEvidenceQuery } from '@tg/contracts'
import { expertEvidence } from '../../../db/schema'
import { cursorAt, decodeCursor, olderThanPosition, toPage } from '../../../lib/pagination'
import type { EvidenceDeps } from './context'
import { auditSeqOf, evidenceColumns, requireFamilyVersion, toEvidenceItem } from './repo'

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
    .select({ ...evidenceColumns, auditSeq: auditSeqOf, cursorAt: cursorAt(expertEvidence.createdAt) })
    .from(expertEvidence)
    .where(
      and(
        eq(expertEvidence.versionId, versionId),
        query.type ? eq(expertEvidence.type, query.type) : undefined,
        after ? olderThanPosition(expertEvidence.createdAt, expertEvidence.id, after) : undefined,
      ),
    )
    .orderBy(desc(expertEvidence.createdAt), desc(expertEvidence.id))
    .limit(query.limit + 1)
  return toPage(rows, query.limit, toEvidenceItem)
}
