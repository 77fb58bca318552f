import { eq, sql } from 'drizzle-orm'
import { EXPERT_EVIDENCE_TYPES } from '@tg/contracts'
import type { ExpertEvidenceType, ExpertVersionDetail } from '@tg/contracts'
import { expertEvidence } from '../../../db/schema'
import { AppError } from '../../../lib/errors'
import type { FedmoeDeps } from '../context'
import { channelsOf, requireFamily, requireVersion, toVersion } from '../repo'

async function packageOf(deps: FedmoeDeps, packageId: string | null): Promise<ExpertVersionDetail['package']> {
  if (!packageId) return null
  const pkg = await deps.tgsp.getPackage(packageId).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'NOT_FOUND') return null
    throw err
  })
  return pkg ? { id: pkg.id, name: pkg.modelName, version: pkg.modelVersion, verification: pkg.status } : null
}

export async function getVersion(deps: FedmoeDeps, expertId: string, versionId: string): Promise<ExpertVersionDetail> {
  await requireFamily(deps.db, expertId)
  const version = await requireVersion(deps.db, expertId, versionId)
  const [counts, liveOn, pkg] = await Promise.all([
    deps.db
      .select({ type: expertEvidence.type, n: sql<number>`count(*)::int` })
      .from(expertEvidence)
      .where(eq(expertEvidence.versionId, versionId))
      .groupBy(expertEvidence.type),
    channelsOf(deps.db, versionId),
    packageOf(deps, version.packageId),
  ])
  const evidenceCounts = Object.fromEntries(EXPERT_EVIDENCE_TYPES.map((t) => [t, 0])) as Record<
    ExpertEvidenceType,
    number
  >
  for (const row of counts)
    if ((EXPERT_EVIDENCE_TYPES as readonly string[]).includes(row.type))
      evidenceCounts[row.type as ExpertEvidenceType] = Number(row.n)
  return { ...toVersion(version), package: pkg, evidenceCounts, liveOn }
}
