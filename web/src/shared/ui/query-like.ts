import { computed } from 'vue'
import type { Ref } from 'vue'

/** The parts of a vue-query result that QueryState reads. */
export type QueryLike<D> = {
  data: Readonly<Ref<D | undefined>>
  error: Readonly<Ref<unknown>>
  isFetching: Readonly<Ref<boolean>>
  refetch: () => unknown
}

type DataOfAll<Q extends readonly QueryLike<unknown>[]> = {
  [K in keyof Q]: Q[K] extends QueryLike<infer D> ? D : never
}

/**
 * Several queries as one for QueryState: data once every query has data, the first error, and
 * Retry refetches them all. For a view that needs all of them before it can show anything.
 */
export function combineQueries<const Q extends readonly QueryLike<unknown>[]>(...queries: Q): QueryLike<DataOfAll<Q>> {
  return {
    data: computed(() =>
      queries.every((query) => query.data.value !== undefined)
        ? (queries.map((query) => query.data.value) as DataOfAll<Q>)
        : undefined,
    ),
    error: computed(() => queries.find((query) => query.error.value)?.error.value ?? null),
    isFetching: computed(() => queries.some((query) => query.isFetching.value)),
    refetch: () => Promise.all(queries.map((query) => query.refetch())),
  }
}
