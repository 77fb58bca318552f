import { eq } from 'drizzle-orm'
import semver from 'semver'
import type { ExpertStatus, MetricHistory, MetricHistoryQuery } from '@tg/contracts'
import type { Executor } from '../../../db/client'
import { expertVersions } from '../../../db/schema'
import { requireFamily } from '../repo'
import { newestBenchmarkItems } from './repo'

/** One metric over every version of the family, oldest semver first; null where a version has no value. */
export async function metricHistory(ex: Executor, expertId: string, query: MetricHistoryQuery): Promise<MetricHistory> {
  await requireFamily(ex, expertId)
  const versions = await ex
    .select({ id: expertVersions.id, version: expertVersions.version, status: expertVersions.status })
    .from(expertVersions)
    .where(eq(expertVersions.expertId, expertId))
  versions.sort((a, b) => semver.compare(a.version, b.version))
  const items = await newestBenchmarkItems(
    ex,
    versions.map((v) => v.id),
    query.benchmark,
  )
  return {
    benchmark: query.benchmark,
    metric: query.metric,
    points: versions.map((version) => {
      const item = items.get(version.id)
      const value = item?.metrics?.[query.metric] ?? null
      return {
        versionId: version.id,
        version: version.version,
        status: version.status as ExpertStatus,
        value,
        nSamples: value === null ? null : (item?.nSamples ?? null),
        at: value === null ? null : (item?.createdAt.toISOString() ?? null),
      }
    }),
  }
}
