// The list's per-family figures, for one page of families at once.
import { and, eq, inArray, isNull } from 'drizzle-orm'
import { compareVersionsDesc } from '@tg/contracts'
import type { ExpertFamilySummary, LiveDeployment } from '@tg/contracts'
import type { Executor } from '../../../db/client'
import { expertDeployments, expertVersions } from '../../../db/schema'
import { toFamily } from '../repo'
import type { FamilyRow } from '../repo'

export async function summarizeFamilies(ex: Executor, families: FamilyRow[]): Promise<ExpertFamilySummary[]> {
  if (families.length === 0) return []
  const ids = families.map((f) => f.id)
  const [versions, live] = await Promise.all([
    ex
      .select({
        id: expertVersions.id,
        expertId: expertVersions.expertId,
        version: expertVersions.version,
        status: expertVersions.status,
      })
      .from(expertVersions)
      .where(inArray(expertVersions.expertId, ids)),
    ex
      .select({
        expertId: expertDeployments.expertId,
        channel: expertDeployments.channel,
        versionId: expertDeployments.versionId,
        version: expertVersions.version,
      })
      .from(expertDeployments)
      .innerJoin(expertVersions, eq(expertVersions.id, expertDeployments.versionId))
      .where(and(inArray(expertDeployments.expertId, ids), isNull(expertDeployments.endedAt)))
      .orderBy(expertDeployments.channel),
  ])
  return families.map((family) => {
    const own = versions
      .filter((v) => v.expertId === family.id)
      .sort((a, b) => compareVersionsDesc(a.version, b.version))
    const latest = own[0]
    const deployed: LiveDeployment[] = live
      .filter((d) => d.expertId === family.id)
      .map(({ channel, versionId, version }) => ({ channel, versionId, version }))
    return {
      ...toFamily(family),
      versionCount: own.length,
      latestVersion: latest ? { id: latest.id, version: latest.version, status: latest.status } : null,
      deployed,
      awaitingValidation: own.filter((v) => v.status === 'adapting').length,
    }
  })
}
