import { and, desc, eq } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import type { ExpertDeploymentPage, ListDeploymentsQuery } from '@tg/contracts'
import { expertDeployments, expertVersions } from '../../../db/schema'
import type { FedmoeDeps } from '../context'
import { cursorAt, olderThan, toPage } from '../../../lib/pagination'
import { requireFamily, toDeployment } from '../repo'

/** What was live on each channel and when, newest first. */
export async function listDeployments(
  deps: FedmoeDeps,
  expertId: string,
  query: ListDeploymentsQuery,
): Promise<ExpertDeploymentPage> {
  await requireFamily(deps.db, expertId)
  const conditions: SQL[] = [eq(expertDeployments.expertId, expertId)]
  if (query.channel) conditions.push(eq(expertDeployments.channel, query.channel))
  const after = olderThan(query.cursor, expertDeployments.deployedAt, expertDeployments.id)
  if (after) conditions.push(after)
  const rows = await deps.db
    .select({
      deployment: expertDeployments,
      version: expertVersions.version,
      cursorAt: cursorAt(expertDeployments.deployedAt),
      id: expertDeployments.id,
    })
    .from(expertDeployments)
    .innerJoin(expertVersions, eq(expertVersions.id, expertDeployments.versionId))
    .where(and(...conditions))
    .orderBy(desc(expertDeployments.deployedAt), desc(expertDeployments.id))
    .limit(query.limit + 1)
  return toPage(rows, query.limit, (r) => toDeployment(r.deployment, r.version))
}
