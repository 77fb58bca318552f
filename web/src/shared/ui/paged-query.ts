import { computed } from 'vue'
import type { Ref } from 'vue'
import type { QueryLike } from './query-like'

/** The parts of a vue-query infinite query result that a paged list reads. */
export type InfiniteQueryLike<P> = QueryLike<{ pages: P[] }> & {
  hasNextPage: Readonly<Ref<boolean>>
  isFetchingNextPage: Readonly<Ref<boolean>>
  isFetchNextPageError: Readonly<Ref<boolean>>
  fetchNextPage: () => unknown
}

/** The next page of a paged list: whether there is one, its loading and its error, and how to ask for it. */
export type NextPage = {
  hasMore: boolean
  isLoading: boolean
  error: unknown
  load: () => void
}

/**
 * Splits an infinite query into the loaded pages (for QueryState: the first page's loading and
 * error) and the next page (for LoadMoreButton: its own loading and error), so a failed next
 * page leaves the loaded ones on screen with the error beside the button.
 */
export function splitPagedQuery<P>(infinite: InfiniteQueryLike<P>): {
  pages: QueryLike<P[]>
  next: Readonly<Ref<NextPage>>
} {
  return {
    pages: {
      data: computed(() => infinite.data.value?.pages),
      error: computed(() => (infinite.isFetchNextPageError.value ? null : infinite.error.value)),
      isFetching: computed(() => infinite.isFetching.value && !infinite.isFetchingNextPage.value),
      refetch: () => infinite.refetch(),
    },
    next: computed(() => ({
      hasMore: infinite.hasNextPage.value,
      isLoading: infinite.isFetchingNextPage.value,
      error: infinite.isFetchNextPageError.value ? infinite.error.value : null,
      load: () => void infinite.fetchNextPage(),
    })),
  }
}
