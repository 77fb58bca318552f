import { RUN_SORTS, RUN_STATES } from '@tg/contracts'
import type { ListRunsQuery, RunState } from '@tg/contracts'
import type { LocationQuery } from 'vue-router'
import { oneOf, textOf, toLocationQuery } from '@/shared/ui/url-filters'
import { tagFilterOf } from './run-tags'

export type RunSort = ListRunsQuery['sort']
export type SortOrder = ListRunsQuery['order']
export type BudgetFilter = NonNullable<ListRunsQuery['budget']>

/**
 * Search, filters and sort of the runs table as kept in the URL
 * (`?q=&state=&budget=&tag=&sort=&order=`). Unset sort and order mean newest first.
 * The pages themselves follow the server's cursor ("Load more"), from the first page on every visit.
 */
export type RunFilters = {
  q?: string
  state?: RunState
  budget?: BudgetFilter
  /** `key=value`, or `key` for any value. */
  tag?: string
  sort?: RunSort
  order?: SortOrder
}

export const RUN_PAGE_SIZE = 25
const ORDERS: readonly SortOrder[] = ['asc', 'desc']
const BUDGETS: readonly BudgetFilter[] = ['near', 'exhausted']
const DEFAULT_SORT = { sort: 'createdAt', order: 'desc' } as const

export function runFiltersOf(query: LocationQuery): RunFilters {
  const sort = oneOf(query, 'sort', RUN_SORTS) ?? DEFAULT_SORT.sort
  const order = oneOf(query, 'order', ORDERS) ?? DEFAULT_SORT.order
  const isDefault = sort === DEFAULT_SORT.sort && order === DEFAULT_SORT.order
  return toLocationQuery({
    q: textOf(query, 'q', 120),
    state: oneOf(query, 'state', RUN_STATES),
    budget: oneOf(query, 'budget', BUDGETS),
    tag: tagFilterOf(textOf(query, 'tag', 200)),
    sort: isDefault ? undefined : sort,
    order: isDefault ? undefined : order,
  }) as RunFilters
}

/** The sort and order in effect (the server's default when the URL names none). */
export function sortOf(filters: RunFilters): { sort: RunSort; order: SortOrder } {
  return { sort: filters.sort ?? DEFAULT_SORT.sort, order: filters.order ?? DEFAULT_SORT.order }
}

/** Filters with a new sort (the list starts again from its first page); the default sort leaves the URL clean. */
export function withSort(filters: RunFilters, sort: RunSort, order: SortOrder): RunFilters {
  const isDefault = sort === DEFAULT_SORT.sort && order === DEFAULT_SORT.order
  return { ...filters, sort: isDefault ? undefined : sort, order: isDefault ? undefined : order }
}

/** The list request of the runs table for these filters (its first page; then the cursor). */
export function runListParamsOf(filters: RunFilters): ListRunsQuery {
  return {
    q: filters.q,
    state: filters.state,
    budget: filters.budget,
    tag: filters.tag,
    ...sortOf(filters),
    limit: RUN_PAGE_SIZE,
  }
}
