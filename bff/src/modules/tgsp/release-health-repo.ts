// Sums of the health that fleet agents reported for a package on a fleet and channel.
import { and, eq, sql } from 'drizzle-orm'
import type { HealthTotals } from '@tg/contracts'
import type { Executor } from '../../db/client'
import { tgspHealthReports } from '../../db/schema'

export type ReleaseKey = { fleetId: string; channel: string; packageId: string }

export async function healthTotals(ex: Executor, key: ReleaseKey): Promise<HealthTotals> {
  const [row] = await ex
    .select({
      reports: sql<number>`count(*)::int`,
      successes: sql<number>`coalesce(sum(${tgspHealthReports.successes}), 0)::bigint`,
      failures: sql<number>`coalesce(sum(${tgspHealthReports.failures}), 0)::bigint`,
      lastReportAt: sql<string | null>`max(${tgspHealthReports.createdAt})`,
    })
    .from(tgspHealthReports)
    .where(
      and(
        eq(tgspHealthReports.fleetId, key.fleetId),
        eq(tgspHealthReports.channel, key.channel),
        eq(tgspHealthReports.packageId, key.packageId),
      ),
    )
  const successes = Number(row?.successes ?? 0)
  const failures = Number(row?.failures ?? 0)
  const samples = successes + failures
  return {
    reports: Number(row?.reports ?? 0),
    successes,
    failures,
    failureRate: samples === 0 ? null : failures / samples,
    lastReportAt: row?.lastReportAt ? new Date(row.lastReportAt).toISOString() : null,
  }
}
