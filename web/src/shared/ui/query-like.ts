import type { Ref } from 'vue'

/** The parts of a vue-query result that QueryState reads. */
export type QueryLike<D> = {
  data: Readonly<Ref<D | undefined>>
  error: Readonly<Ref<unknown>>
  isFetching: Readonly<Ref<boolean>>
  refetch: () => unknown
}
