// The arena's comparison: each version's newest item of the benchmark, the union of their
// metrics, min-max normalised values, and deltas against the baseline with their sample counts.
import { ARENA_MIN_SAMPLES_FOR_SIGNIFICANCE } from '@tg/contracts'
import type { ArenaComparison, ArenaDelta, CompareVersionsQuery } from '@tg/contracts'
import type { Executor } from '../../../db/client'
import { invalidQuery, newestBenchmarkItems, requireFamilyVersions } from './repo'
import type { NewestBenchmarkItem } from './repo'

const isRate = (value: number) => value >= 0 && value <= 1

/**
 * A delta and whether it is more than noise: |delta| > 2 x the pooled standard error of two
 * rates (sqrt(p(1-p)/n) per side). Never significant on few samples, or for a metric that is not a
 * rate (the evidence carries no variance for it).
 */
export function deltaOf(base: { value: number; n: number }, other: { value: number; n: number }): ArenaDelta {
  const delta = other.value - base.value
  const enough = base.n >= ARENA_MIN_SAMPLES_FOR_SIGNIFICANCE && other.n >= ARENA_MIN_SAMPLES_FOR_SIGNIFICANCE
  let significant = false
  if (enough && isRate(base.value) && isRate(other.value)) {
    const se = Math.sqrt((base.value * (1 - base.value)) / base.n + (other.value * (1 - other.value)) / other.n)
    significant = Math.abs(delta) > 2 * se
  }
  return { delta, baselineSamples: base.n, samples: other.n, significant }
}

function normalise(values: Array<number | null>): Array<number | null> {
  const present = values.filter((v): v is number => v !== null)
  const min = Math.min(...present)
  const max = Math.max(...present)
  return values.map((v) => (v === null ? null : max === min ? 1 : (v - min) / (max - min)))
}

const metricOf = (item: NewestBenchmarkItem | undefined, name: string) => item?.metrics?.[name] ?? null

export async function compareVersions(
  ex: Executor,
  expertId: string,
  query: CompareVersionsQuery,
): Promise<ArenaComparison> {
  const baselineId = query.baseline ?? query.versions[0]!
  if (!query.versions.includes(baselineId))
    throw invalidQuery('baseline', 'The baseline must be one of the compared versions.')
  const versions = await requireFamilyVersions(ex, expertId, query.versions)
  const items = await newestBenchmarkItems(ex, query.versions, query.benchmark)
  const metrics = [...new Set([...items.values()].flatMap((item) => Object.keys(item.metrics ?? {})))].sort()
  const normalised = new Map(
    metrics.map((name) => [name, normalise(versions.map((v) => metricOf(items.get(v.id), name)))]),
  )
  const base = items.get(baselineId)
  return {
    benchmark: query.benchmark,
    baselineVersionId: baselineId,
    metrics,
    versions: versions.map((version, index) => {
      const item = items.get(version.id)
      const deltas: Record<string, ArenaDelta | null> = {}
      for (const name of metrics) {
        const value = metricOf(item, name)
        const baseValue = metricOf(base, name)
        deltas[name] =
          version.id === baselineId || value === null || baseValue === null
            ? null
            : deltaOf({ value: baseValue, n: base?.nSamples ?? 0 }, { value, n: item?.nSamples ?? 0 })
      }
      return {
        versionId: version.id,
        version: version.version,
        status: version.status,
        nSamples: item?.nSamples ?? null,
        evidenceId: item?.id ?? null,
        metrics: Object.fromEntries(metrics.map((name) => [name, metricOf(item, name)])),
        normalised: Object.fromEntries(metrics.map((name) => [name, normalised.get(name)![index]!])),
        deltas,
      }
    }),
  }
}
