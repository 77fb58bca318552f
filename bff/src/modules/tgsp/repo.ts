import { and, arrayContains, asc, desc, eq, ilike, inArray, isNull, like, or, sql } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import type {
  Fleet,
  ListPackagesQuery,
  ListReleasesQuery,
  PackageDetail,
  PackagePage,
  PackageSummary,
  Publisher,
  ReleaseList,
  TgspChecks,
} from '@tg/contracts'
import type { Executor } from '../../db/client'
import { tgspBaseModels, tgspFleets, tgspPackages, tgspPublishers, tgspReleases } from '../../db/schema'
import { cursorAt, encodeCursor, olderThan } from '../../lib/pagination'
import { keysetCondition, keysetOrder, keysetScope, keysetValue, toKeysetPage } from '../../lib/pagination-keyset'
import type { KeysetSort } from '../../lib/pagination-keyset'

export type PublisherRow = typeof tgspPublishers.$inferSelect
export type PackageRow = typeof tgspPackages.$inferSelect
export type FleetRow = typeof tgspFleets.$inferSelect
export type ReleaseRow = typeof tgspReleases.$inferSelect

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`)
const iso = (d: Date | null) => d?.toISOString() ?? null

type PublisherLive = Publisher['liveReleases']

export function toPublisher(row: PublisherRow, packages: number, liveReleases: PublisherLive): Publisher {
  return {
    id: row.id,
    name: row.name,
    classic: row.classic,
    pqc: row.pqc,
    fingerprint: row.fingerprint,
    status: row.revokedAt ? 'revoked' : 'active',
    packages,
    liveReleases,
    createdAt: row.createdAt.toISOString(),
    revokedAt: iso(row.revokedAt),
  }
}

export function toFleet(row: FleetRow): Fleet {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    soakMinutes: row.soakMinutes,
    health:
      row.healthMaxFailureRate === null
        ? null
        : {
            maxFailureRate: row.healthMaxFailureRate,
            minReports: row.healthMinReports,
            minSamples: row.healthMinSamples,
          },
    status: row.archivedAt ? 'archived' : 'active',
    createdAt: row.createdAt.toISOString(),
    archivedAt: iso(row.archivedAt),
  }
}

// Written with explicit aliases: in a single-table select drizzle leaves columns unqualified, and
// an unqualified "id" inside the subquery would name the package's id, counting nothing.
const publisherPackageCount = sql<number>`(select count(*)::int from "tgsp_packages" as counted where counted."publisher_id" = "tgsp_publishers"."id")`

/** The releases live now (fleet, channel) with a package of each of these publishers. */
async function liveByPublisher(ex: Executor, publisherIds: string[]): Promise<Map<string, PublisherLive>> {
  const out = new Map<string, PublisherLive>()
  if (publisherIds.length === 0) return out
  const rows = await ex
    .select({
      publisherId: tgspPackages.publisherId,
      releaseId: tgspReleases.id,
      fleetId: tgspFleets.id,
      fleetName: tgspFleets.name,
      channel: tgspReleases.channel,
      packageId: tgspPackages.id,
      modelName: tgspPackages.modelName,
      modelVersion: tgspPackages.modelVersion,
    })
    .from(tgspReleases)
    .innerJoin(tgspPackages, eq(tgspPackages.id, tgspReleases.packageId))
    .innerJoin(tgspFleets, eq(tgspFleets.id, tgspReleases.fleetId))
    .where(and(isNull(tgspReleases.supersededAt), inArray(tgspPackages.publisherId, publisherIds)))
    .orderBy(asc(tgspFleets.name), asc(tgspReleases.channel))
  for (const { publisherId, ...live } of rows) out.set(publisherId, [...(out.get(publisherId) ?? []), live])
  return out
}

export async function listPublishers(ex: Executor): Promise<Publisher[]> {
  const rows = await ex
    .select({ row: tgspPublishers, packages: publisherPackageCount })
    .from(tgspPublishers)
    .orderBy(sql`${tgspPublishers.revokedAt} is not null`, asc(tgspPublishers.name))
  const live = await liveByPublisher(
    ex,
    rows.map(({ row }) => row.id),
  )
  return rows.map(({ row, packages }) => toPublisher(row, Number(packages), live.get(row.id) ?? []))
}

export async function findPublisher(ex: Executor, id: string): Promise<Publisher | null> {
  const [found] = await ex
    .select({ row: tgspPublishers, packages: publisherPackageCount })
    .from(tgspPublishers)
    .where(eq(tgspPublishers.id, id))
  if (!found) return null
  const live = await liveByPublisher(ex, [id])
  return toPublisher(found.row, Number(found.packages), live.get(id) ?? [])
}

export async function allSigners(ex: Executor): Promise<PublisherRow[]> {
  return ex.select().from(tgspPublishers)
}

/** Where each package is live now, for a set of package ids. */
async function liveOn(ex: Executor, packageIds: string[]): Promise<Map<string, PackageSummary['liveOn']>> {
  const out = new Map<string, PackageSummary['liveOn']>()
  if (packageIds.length === 0) return out
  const rows = await ex
    .select({
      packageId: tgspReleases.packageId,
      fleetId: tgspFleets.id,
      fleetName: tgspFleets.name,
      channel: tgspReleases.channel,
    })
    .from(tgspReleases)
    .innerJoin(tgspFleets, eq(tgspFleets.id, tgspReleases.fleetId))
    .where(and(isNull(tgspReleases.supersededAt), inArray(tgspReleases.packageId, packageIds)))
    .orderBy(asc(tgspFleets.name), asc(tgspReleases.channel))
  for (const { packageId, ...where } of rows) out.set(packageId, [...(out.get(packageId) ?? []), where])
  return out
}

type PackageWithPublisher = { pkg: PackageRow; publisherName: string }

function toSummary({ pkg, publisherName }: PackageWithPublisher, live: PackageSummary['liveOn']): PackageSummary {
  return {
    id: pkg.id,
    packageId: pkg.packageId,
    modelName: pkg.modelName,
    modelVersion: pkg.modelVersion,
    status: pkg.status,
    publisher: { id: pkg.publisherId, name: publisherName },
    baseModels: pkg.baseModels,
    sizeBytes: pkg.sizeBytes,
    uploadedAt: pkg.uploadedAt.toISOString(),
    uploadedBy: pkg.uploadedBy,
    verifiedAt: pkg.verifiedAt.toISOString(),
    liveOn: live,
    labels: pkg.labels,
    downloads: pkg.downloads,
  }
}

const SORTS: Record<ListPackagesQuery['sort'], KeysetSort> = {
  uploadedAt: { column: tgspPackages.uploadedAt, kind: 'timestamp' },
  modelName: { column: tgspPackages.modelName, kind: 'text' },
  sizeBytes: { column: tgspPackages.sizeBytes, kind: 'bigint' },
  downloads: { column: tgspPackages.downloads, kind: 'bigint' },
}

function packagesWhere(query: ListPackagesQuery): SQL | undefined {
  return and(
    query.q
      ? or(
          ilike(tgspPackages.modelName, `%${escapeLike(query.q)}%`),
          like(tgspPackages.packageId, `${escapeLike(query.q.toLowerCase())}%`),
        )
      : undefined,
    query.status ? eq(tgspPackages.status, query.status) : undefined,
    query.publisherId ? eq(tgspPackages.publisherId, query.publisherId) : undefined,
    query.baseModel ? sql`${query.baseModel} = any(${tgspPackages.baseModels})` : undefined,
    query.label ? arrayContains(tgspPackages.labels, [query.label]) : undefined,
  )
}

/** What a packages cursor is bound to: this sort, direction and these filters. */
const packagesScope = (query: ListPackagesQuery) => keysetScope('tgsp.packages', query)

/** The one statement of a page of packages: `limit + 1` rows after the cursor (an index test explains it). */
export function packagesPageQuery(ex: Executor, query: ListPackagesQuery) {
  const sort = SORTS[query.sort]
  return ex
    .select({ pkg: tgspPackages, publisherName: tgspPublishers.name, sortValue: keysetValue(sort) })
    .from(tgspPackages)
    .innerJoin(tgspPublishers, eq(tgspPublishers.id, tgspPackages.publisherId))
    .where(
      and(
        packagesWhere(query),
        keysetCondition(sort, query.order, tgspPackages.id, packagesScope(query), query.cursor),
      ),
    )
    .orderBy(...keysetOrder(sort, query.order, tgspPackages.id))
    .limit(query.limit + 1)
}

export async function listPackages(ex: Executor, query: ListPackagesQuery): Promise<PackagePage> {
  const [rows, facets] = await Promise.all([
    packagesPageQuery(ex, query),
    ex.select({ baseModel: tgspBaseModels.name }).from(tgspBaseModels).orderBy(asc(tgspBaseModels.name)),
  ])
  const page = rows.slice(0, query.limit)
  const live = await liveOn(
    ex,
    page.map((r) => r.pkg.id),
  )
  const { items, nextCursor } = toKeysetPage(
    rows.map((r) => ({ ...r, id: r.pkg.id })),
    query.limit,
    packagesScope(query),
    (pageRows) => pageRows.map((r) => toSummary(r, live.get(r.pkg.id) ?? [])),
  )
  return { items, nextCursor, facets: { baseModels: facets.map((r) => r.baseModel) } }
}

export async function findPackageRow(ex: Executor, id: string): Promise<PackageRow | null> {
  const [row] = await ex.select().from(tgspPackages).where(eq(tgspPackages.id, id))
  return row ?? null
}

export async function findPackageBy(
  ex: Executor,
  where: { contentId: string } | { packageId: string; modelVersion: string },
): Promise<PackageRow | null> {
  const condition =
    'contentId' in where
      ? eq(tgspPackages.contentId, where.contentId)
      : and(eq(tgspPackages.packageId, where.packageId), eq(tgspPackages.modelVersion, where.modelVersion))
  const [row] = await ex.select().from(tgspPackages).where(condition).limit(1)
  return row ?? null
}

export async function getPackageDetail(ex: Executor, id: string): Promise<PackageDetail | null> {
  const [found] = await ex
    .select({ pkg: tgspPackages, publisherName: tgspPublishers.name })
    .from(tgspPackages)
    .innerJoin(tgspPublishers, eq(tgspPublishers.id, tgspPackages.publisherId))
    .where(eq(tgspPackages.id, id))
  if (!found) return null
  const [signer, live] = await Promise.all([findPublisher(ex, found.pkg.publisherId), liveOn(ex, [id])])
  if (!signer) return null
  return {
    ...toSummary(found, live.get(id) ?? []),
    manifest: JSON.parse(found.pkg.manifestJson) as Record<string, unknown>,
    hashes: {
      manifest: found.pkg.manifestSha256,
      recipients: found.pkg.recipientsSha256,
      payload: found.pkg.payloadSha256,
    },
    contentId: found.pkg.contentId,
    checks: found.pkg.checks as TgspChecks,
    recipientsCount: found.pkg.recipientsCount,
    signer,
  }
}

export async function listFleets(ex: Executor, includeArchived: boolean): Promise<Fleet[]> {
  const rows = await ex
    .select()
    .from(tgspFleets)
    .where(includeArchived ? undefined : isNull(tgspFleets.archivedAt))
    .orderBy(asc(tgspFleets.name))
  return rows.map(toFleet)
}

export async function listReleases(
  ex: Executor,
  query: ListReleasesQuery & { releaseId?: string },
): Promise<ReleaseList> {
  const rows = await ex
    .select({
      release: tgspReleases,
      fleetName: tgspFleets.name,
      pkg: tgspPackages,
      cursorAt: cursorAt(tgspReleases.createdAt),
    })
    .from(tgspReleases)
    .innerJoin(tgspFleets, eq(tgspFleets.id, tgspReleases.fleetId))
    .innerJoin(tgspPackages, eq(tgspPackages.id, tgspReleases.packageId))
    .where(
      and(
        query.releaseId ? eq(tgspReleases.id, query.releaseId) : undefined,
        query.fleetId ? eq(tgspReleases.fleetId, query.fleetId) : undefined,
        query.channel ? eq(tgspReleases.channel, query.channel) : undefined,
        query.packageId ? eq(tgspReleases.packageId, query.packageId) : undefined,
        query.activeOnly ? isNull(tgspReleases.supersededAt) : undefined,
        olderThan(query.cursor, tgspReleases.createdAt, tgspReleases.id),
      ),
    )
    .orderBy(desc(tgspReleases.createdAt), desc(tgspReleases.id))
    .limit(query.limit + 1)
  const page = rows.slice(0, query.limit)
  const last = page.at(-1)
  const hasMore = rows.length > query.limit
  return {
    items: page.map(({ release, fleetName, pkg }) => ({
      id: release.id,
      fleet: { id: release.fleetId, name: fleetName },
      channel: release.channel,
      package: {
        id: pkg.id,
        packageId: pkg.packageId,
        modelName: pkg.modelName,
        modelVersion: pkg.modelVersion,
        status: pkg.status,
      },
      kind: release.kind,
      rollbackOf: release.rollbackOf,
      notes: release.notes,
      createdBy: release.createdBy,
      createdAt: release.createdAt.toISOString(),
      isActive: release.supersededAt === null,
      supersededAt: iso(release.supersededAt),
    })),
    hasMore,
    nextCursor: hasMore && last ? encodeCursor(last.cursorAt, last.release.id) : null,
  }
}
