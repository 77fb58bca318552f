// The dashboard tiles: versions awaiting validation, and versions whose last gate failed.
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm'
import type { FedmoeOverview, GateSummary } from '@tg/contracts'
import type { Executor } from '../../db/client'
import { expertDeployments, expertFamilies, expertVersions } from '../../db/schema'

const gateFailed = sql`(${expertVersions.lastGate}->>'passed') = 'false'`
const evaluatedAt = sql`(${expertVersions.lastGate}->>'evaluatedAt')`

export async function fedmoeOverview(ex: Executor): Promise<FedmoeOverview> {
  const open = inArray(expertVersions.status, ['adapting', 'validated'])
  const [[counts], recent, [deployed]] = await Promise.all([
    ex
      .select({
        awaiting: sql<number>`count(*) filter (where ${expertVersions.status} = 'adapting')::int`,
        failures: sql<number>`count(*) filter (where ${open} and ${gateFailed})::int`,
      })
      .from(expertVersions),
    ex
      .select({
        expertId: expertFamilies.id,
        name: expertFamilies.name,
        versionId: expertVersions.id,
        version: expertVersions.version,
        lastGate: expertVersions.lastGate,
      })
      .from(expertVersions)
      .innerJoin(expertFamilies, eq(expertFamilies.id, expertVersions.expertId))
      .where(and(open, gateFailed))
      .orderBy(desc(evaluatedAt), desc(expertVersions.id))
      .limit(5),
    ex
      .select({ n: sql<number>`count(*)::int` })
      .from(expertDeployments)
      .where(isNull(expertDeployments.endedAt)),
  ])
  return {
    awaitingValidation: Number(counts?.awaiting ?? 0),
    gateFailures: Number(counts?.failures ?? 0),
    recentGateFailures: recent.map((r) => {
      const gate = r.lastGate as GateSummary
      return {
        expertId: r.expertId,
        name: r.name,
        versionId: r.versionId,
        version: r.version,
        evaluatedAt: gate.evaluatedAt,
        failedRules: gate.failedRules,
      }
    }),
    deployedCount: Number(deployed?.n ?? 0),
  }
}

/** The module's figures for the health endpoint. */
export async function fedmoeCounts(ex: Executor) {
  const [row] = await ex
    .select({
      families: sql<number>`(select count(*) from ${expertFamilies})::int`,
      versions: sql<number>`count(*)::int`,
      deployed: sql<number>`(select count(*) from ${expertDeployments} where ${expertDeployments.endedAt} is null)::int`,
    })
    .from(expertVersions)
  return {
    families: Number(row?.families ?? 0),
    versions: Number(row?.versions ?? 0),
    deployed: Number(row?.deployed ?? 0),
  }
}
