import { and, asc, eq, gt, lt } from 'drizzle-orm'
import type { ListTracesQuery, TracePage } from '@tg/contracts'
import { expertEvidence, expertTraces } from '../../../db/schema'
import { notFound } from '../../../lib/errors'
import { decodeSeqCursor } from '../../../lib/pagination'
import type { EvidenceDeps } from './context'

/**
 * A page of an item's traces in ordinal order: an index range scan from the cursor's ordinal,
 * so the 10,000th trace costs what the first does and the others are never read.
 */
export async function listTraces(
  deps: Pick<EvidenceDeps, 'db'>,
  evidenceId: string,
  query: ListTracesQuery,
): Promise<TracePage> {
  const after = decodeSeqCursor(query.cursor)
  const [item] = await deps.db
    .select({ id: expertEvidence.id })
    .from(expertEvidence)
    .where(eq(expertEvidence.id, evidenceId))
  if (!item) throw notFound('Evidence item')
  const rows = await deps.db
    .select({
      ordinal: expertTraces.ordinal,
      input: expertTraces.input,
      output: expertTraces.output,
      expected: expertTraces.expected,
      score: expertTraces.score,
      latencyMs: expertTraces.latencyMs,
    })
    .from(expertTraces)
    .where(
      and(
        eq(expertTraces.evidenceId, evidenceId),
        after === undefined ? undefined : gt(expertTraces.ordinal, after),
        query.failuresBelow === undefined ? undefined : lt(expertTraces.score, query.failuresBelow),
      ),
    )
    .orderBy(asc(expertTraces.ordinal))
    .limit(query.limit + 1)
  const items = rows.slice(0, query.limit).map((row) => ({ ...row, expected: row.expected ?? null }))
  const last = items.at(-1)
  return { items, nextCursor: rows.length > query.limit && last ? String(last.ordinal) : null }
}
