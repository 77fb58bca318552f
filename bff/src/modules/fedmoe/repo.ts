// Rows of the registry and their wire shapes; the lookups every use case shares.
import { and, eq, isNull, sql } from 'drizzle-orm'
import { compareVersionsDesc } from '@tg/contracts'
import type { ExpertDeployment, ExpertFamily, ExpertVersion, GateSummary, LiveDeployment } from '@tg/contracts'
import type { Executor } from '../../db/client'
import { expertDeployments, expertFamilies, expertVersions } from '../../db/schema'
import { notFound } from '../../lib/errors'

export type FamilyRow = typeof expertFamilies.$inferSelect
export type VersionRow = typeof expertVersions.$inferSelect
export type DeploymentRow = typeof expertDeployments.$inferSelect

const iso = (d: Date | null) => d?.toISOString() ?? null

export function toFamily(row: FamilyRow): ExpertFamily {
  return {
    id: row.id,
    name: row.name,
    baseModel: row.baseModel,
    description: row.description,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
  }
}

export function toVersion(row: VersionRow): ExpertVersion {
  return {
    id: row.id,
    expertId: row.expertId,
    version: row.version,
    packageId: row.packageId,
    notes: row.notes,
    status: row.status,
    lastGate: (row.lastGate as GateSummary | null) ?? null,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    updatedAt: row.updatedAt.toISOString(),
  }
}

export function toDeployment(row: DeploymentRow, version: string): ExpertDeployment {
  return {
    id: row.id,
    expertId: row.expertId,
    channel: row.channel,
    versionId: row.versionId,
    version,
    action: row.action,
    reason: row.reason,
    deployedAt: row.deployedAt.toISOString(),
    deployedBy: row.deployedBy,
    endedAt: iso(row.endedAt),
  }
}

export const sortVersions = (rows: VersionRow[]) => [...rows].sort((a, b) => compareVersionsDesc(a.version, b.version))

/** The family, or 404; `forUpdate` serialises the family's status changes and deployments. */
export async function requireFamily(ex: Executor, expertId: string, forUpdate = false): Promise<FamilyRow> {
  const query = ex.select().from(expertFamilies).where(eq(expertFamilies.id, expertId))
  const [row] = forUpdate ? await query.for('update') : await query
  if (!row) throw notFound('Expert family')
  return row
}

/** The version of that family, or 404 (a version of another family is not found here). */
export async function requireVersion(ex: Executor, expertId: string, versionId: string): Promise<VersionRow> {
  const [row] = await ex
    .select()
    .from(expertVersions)
    .where(and(eq(expertVersions.id, versionId), eq(expertVersions.expertId, expertId)))
  if (!row) throw notFound('Expert version')
  return row
}

/** What is live now on each channel of the family, by channel name. */
export async function liveDeployments(ex: Executor, expertId: string): Promise<LiveDeployment[]> {
  return ex
    .select({
      channel: expertDeployments.channel,
      versionId: expertDeployments.versionId,
      version: expertVersions.version,
    })
    .from(expertDeployments)
    .innerJoin(expertVersions, eq(expertVersions.id, expertDeployments.versionId))
    .where(and(eq(expertDeployments.expertId, expertId), isNull(expertDeployments.endedAt)))
    .orderBy(expertDeployments.channel)
}

/** The open deployment of a family on a channel, if any. */
export async function liveOnChannel(
  ex: Executor,
  expertId: string,
  channel: string,
): Promise<DeploymentRow | undefined> {
  const [row] = await ex
    .select()
    .from(expertDeployments)
    .where(
      and(
        eq(expertDeployments.expertId, expertId),
        eq(expertDeployments.channel, channel),
        isNull(expertDeployments.endedAt),
      ),
    )
  return row
}

/** Channels on which a version is live. */
export async function channelsOf(ex: Executor, versionId: string): Promise<string[]> {
  const rows = await ex
    .select({ channel: expertDeployments.channel })
    .from(expertDeployments)
    .where(and(eq(expertDeployments.versionId, versionId), isNull(expertDeployments.endedAt)))
    .orderBy(expertDeployments.channel)
  return rows.map((r) => r.channel)
}

export const now = sql`now()`
