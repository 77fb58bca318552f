import type { EvidenceDetail } from '@tg/contracts'
import type { EvidenceDeps } from './context'
import { requireEvidence, toEvidenceItem } from './repo'

/** One item with its full validated body (its traces are paged apart). */
export async function getEvidence(deps: Pick<EvidenceDeps, 'db'>, evidenceId: string): Promise<EvidenceDetail> {
  const row = await requireEvidence(deps.db, evidenceId)
  return { ...toEvidenceItem(row), body: row.body as EvidenceDetail['body'] }
}
