import { useQueries } from '@tanstack/vue-query'
import { BENCHMARK_EVIDENCE_TYPES } from '@tg/contracts'
import { computed, toValue } from 'vue'
import type { MaybeRefOrGetter } from 'vue'
import { evidenceListQuery } from './queries'

/**
 * Benchmarks the picked versions have evidence on (from the newest page of each one's evidence),
 * to suggest in the arena's benchmark field; any other name can still be typed.
 */
export function useBenchmarks(expertId: MaybeRefOrGetter<string>, versionIds: MaybeRefOrGetter<string[]>) {
  const queries = useQueries({
    queries: computed(() =>
      toValue(versionIds).map((versionId) => evidenceListQuery(toValue(expertId), versionId, undefined, undefined)),
    ),
  })
  return computed(() => {
    const names = new Set<string>()
    for (const query of queries.value) {
      for (const item of query.data?.items ?? []) {
        const benchmark = (item.summary as { benchmark?: unknown }).benchmark
        if ((BENCHMARK_EVIDENCE_TYPES as readonly string[]).includes(item.type) && typeof benchmark === 'string')
          names.add(benchmark)
      }
    }
    return [...names].sort()
  })
}
