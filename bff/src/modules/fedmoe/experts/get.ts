import { eq } from 'drizzle-orm'
import type { ExpertFamilyDetail } from '@tg/contracts'
import { expertVersions } from '../../../db/schema'
import type { FedmoeDeps } from '../context'
import { loadPolicy } from '../gates/policy'
import { liveDeployments, requireFamily, sortVersions, toFamily, toVersion } from '../repo'

export async function getExpert(deps: FedmoeDeps, expertId: string): Promise<ExpertFamilyDetail> {
  const family = await requireFamily(deps.db, expertId)
  const [versions, deployments, policy] = await Promise.all([
    deps.db.select().from(expertVersions).where(eq(expertVersions.expertId, expertId)),
    liveDeployments(deps.db, expertId),
    loadPolicy(deps.db, expertId),
  ])
  return { ...toFamily(family), versions: sortVersions(versions).map(toVersion), deployments, policy }
}
