import { and, eq, inArray, sql } from 'drizzle-orm'
import { BENCHMARK_EVIDENCE_TYPES } from '@tg/contracts'
import type { ExpertStatus } from '@tg/contracts'
import type { Executor } from '../../../db/client'
import { expertEvidence, expertVersions } from '../../../db/schema'
import { AppError, notFound } from '../../../lib/errors'
import { requireFamily } from '../repo'

export type ArenaVersionRow = { id: string; version: string; status: ExpertStatus }

/** The asked versions, in the asked order, when they all belong to the family; 404 otherwise. */
export async function requireFamilyVersions(ex: Executor, expertId: string, ids: readonly string[]) {
  await requireFamily(ex, expertId)
  const rows = await ex
    .select({ id: expertVersions.id, version: expertVersions.version, status: expertVersions.status })
    .from(expertVersions)
    .where(and(eq(expertVersions.expertId, expertId), inArray(expertVersions.id, [...ids])))
  return ids.map((id) => {
    const row = rows.find((r) => r.id === id)
    if (!row) throw notFound(`Expert version ${id}`)
    return row
  })
}

export type NewestBenchmarkItem = {
  id: string
  versionId: string
  nSamples: number | null
  metrics: Record<string, number> | null
  createdAt: Date
}

/** Each version's newest EVAL_RESULT / VLA_BENCHMARK item of the benchmark (one index probe per version). */
export async function newestBenchmarkItems(
  ex: Executor,
  versionIds: readonly string[],
  benchmark: string,
): Promise<Map<string, NewestBenchmarkItem>> {
  if (versionIds.length === 0) return new Map()
  const rows = await ex
    .selectDistinctOn([expertEvidence.versionId], {
      id: expertEvidence.id,
      versionId: expertEvidence.versionId,
      nSamples: expertEvidence.nSamples,
      metrics: expertEvidence.metrics,
      createdAt: expertEvidence.createdAt,
    })
    .from(expertEvidence)
    .where(
      and(
        inArray(expertEvidence.versionId, [...versionIds]),
        eq(expertEvidence.benchmark, benchmark),
        inArray(expertEvidence.type, [...BENCHMARK_EVIDENCE_TYPES]),
      ),
    )
    .orderBy(expertEvidence.versionId, sql`${expertEvidence.createdAt} desc`, sql`${expertEvidence.id} desc`)
  return new Map(rows.map((row) => [row.versionId, { ...row, metrics: row.metrics as Record<string, number> | null }]))
}

export function invalidQuery(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, { issues: [{ path, message }] })
}
