// The gate's observations, aggregated in SQL over expert_evidence (never the traces): the newest
// metric item per benchmark, episode-weighted simulation rates, the latest verdict per reviewer.
import { and, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm'
import { policyBenchmarks } from '@tg/contracts'
import type { BenchmarkObservation, GateObservations, GatePolicy } from '@tg/contracts'
import type { Executor } from '../../../db/client'
import { expertDeployments, expertEvidence, expertVersions } from '../../../db/schema'

type Rows<T> = { rows: T[] }

export async function newestBenchmarks(
  ex: Executor,
  versionId: string,
  benchmarks: string[],
): Promise<Record<string, BenchmarkObservation>> {
  if (benchmarks.length === 0) return {}
  const rows = await ex
    .selectDistinctOn([expertEvidence.benchmark], {
      benchmark: expertEvidence.benchmark,
      nSamples: expertEvidence.nSamples,
      metrics: expertEvidence.metrics,
    })
    .from(expertEvidence)
    .where(
      and(
        eq(expertEvidence.versionId, versionId),
        inArray(expertEvidence.type, ['EVAL_RESULT', 'VLA_BENCHMARK']),
        inArray(expertEvidence.benchmark, benchmarks),
      ),
    )
    .orderBy(expertEvidence.benchmark, desc(expertEvidence.createdAt), desc(expertEvidence.id))
  const out: Record<string, BenchmarkObservation> = {}
  for (const row of rows)
    if (row.benchmark !== null)
      out[row.benchmark] = { nSamples: row.nSamples ?? 0, metrics: (row.metrics ?? {}) as Record<string, number> }
  return out
}

async function simulation(ex: Executor, versionId: string): Promise<GateObservations['sim']> {
  const episodes = sql`(${expertEvidence.body}->>'episodes')::float8`
  const [row] = await ex
    .select({
      items: sql<number>`count(*)::int`,
      episodes: sql<number>`coalesce(sum(${episodes}), 0)::float8`,
      successRate: sql<
        number | null
      >`(sum((${expertEvidence.body}->>'success_rate')::float8 * ${episodes}) / nullif(sum(${episodes}), 0))::float8`,
      collisionRate: sql<
        number | null
      >`(sum((${expertEvidence.body}->>'collision_rate')::float8 * ${episodes}) / nullif(sum(${episodes}), 0))::float8`,
    })
    .from(expertEvidence)
    .where(and(eq(expertEvidence.versionId, versionId), eq(expertEvidence.type, 'SIM_SUCCESS')))
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))
  return {
    items: Number(row?.items ?? 0),
    episodes: Number(row?.episodes ?? 0),
    successRate: num(row?.successRate),
    collisionRate: num(row?.collisionRate),
  }
}

async function reviews(ex: Executor, versionId: string): Promise<GateObservations['reviews']> {
  const result = (await ex.execute(sql`
    select count(*)::int as reviewers,
      count(*) filter (where verdict = 'approve')::int as approvals,
      count(*) filter (where verdict = 'reject')::int as rejections
    from (
      select distinct on (body->>'reviewer') body->>'verdict' as verdict
      from ${expertEvidence}
      where version_id = ${versionId}::uuid and type = 'PEER_REVIEW'
      order by body->>'reviewer', created_at desc, id desc
    ) latest`)) as unknown as Rows<{ reviewers: number; approvals: number; rejections: number }>
  const row = result.rows[0]
  return {
    reviewers: Number(row?.reviewers ?? 0),
    approvals: Number(row?.approvals ?? 0),
    rejections: Number(row?.rejections ?? 0),
  }
}

/** The version to beat: live on the channel, or (no channel) the newest live deployment; never the candidate. */
async function deployedVersion(ex: Executor, expertId: string, candidateId: string, channel: string | null) {
  const [row] = await ex
    .select({
      versionId: expertDeployments.versionId,
      channel: expertDeployments.channel,
      version: expertVersions.version,
    })
    .from(expertDeployments)
    .innerJoin(expertVersions, eq(expertVersions.id, expertDeployments.versionId))
    .where(
      and(
        eq(expertDeployments.expertId, expertId),
        isNull(expertDeployments.endedAt),
        ne(expertDeployments.versionId, candidateId),
        channel === null ? undefined : eq(expertDeployments.channel, channel),
      ),
    )
    .orderBy(desc(expertDeployments.deployedAt), desc(expertDeployments.id))
    .limit(1)
  return row
}

export async function observeGate(
  ex: Executor,
  input: { expertId: string; versionId: string; channel: string | null; policy: GatePolicy },
): Promise<GateObservations> {
  const benchmarks = policyBenchmarks(input.policy)
  // One query after another: `ex` may be a transaction, whose one connection takes one at a time.
  const candidate = await newestBenchmarks(ex, input.versionId, benchmarks)
  const sim = await simulation(ex, input.versionId)
  const review = await reviews(ex, input.versionId)
  const other = input.policy.beatDeployed
    ? await deployedVersion(ex, input.expertId, input.versionId, input.channel)
    : undefined
  const deployed = other
    ? {
        version: other.version,
        channel: other.channel,
        benchmarks: await newestBenchmarks(ex, other.versionId, benchmarks),
      }
    : null
  return { candidate, deployed, sim, reviews: review }
}
