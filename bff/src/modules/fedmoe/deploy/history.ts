import { and, desc, eq } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import type { ExpertDeploymentPage, ListDeploymentsQuery } from '@tg/contracts'
import { expertDeployments, expertVersions } from '../../../db/schema'
import type { FedmoeDeps } from '../context'
import { keysetPage, olderThan, timeIdCursor, toMs } from '../paging'
import { requireFamily, toDeployment } from '../repo'

const deployedMs = toMs(expertDeployments.deployedAt)

/** What was live on each channel and when, newest first. */
export async function listDeployments(
  deps: FedmoeDeps,
  expertId: string,
  query: ListDeploymentsQuery,
): Promise<ExpertDeploymentPage> {
  await requireFamily(deps.db, expertId)
  const conditions: SQL[] = [eq(expertDeployments.expertId, expertId)]
  if (query.channel) conditions.push(eq(expertDeployments.channel, query.channel))
  const after = timeIdCursor(query.cursor)
  if (after) conditions.push(olderThan(deployedMs, expertDeployments.id, after))
  const rows = await deps.db
    .select({ deployment: expertDeployments, version: expertVersions.version })
    .from(expertDeployments)
    .innerJoin(expertVersions, eq(expertVersions.id, expertDeployments.versionId))
    .where(and(...conditions))
    .orderBy(desc(deployedMs), desc(expertDeployments.id))
    .limit(query.limit + 1)
  return keysetPage(
    rows,
    query.limit,
    (r) => [r.deployment.deployedAt, r.deployment.id],
    (rs) => rs.map((r) => toDeployment(r.deployment, r.version)),
  )
}
