import { PACKAGE_SORTS, PACKAGE_STATUSES, labelProblem } from '@tg/contracts'
import type { ListPackagesQuery, PackageSummary } from '@tg/contracts'
import type { LocationQuery } from 'vue-router'
import { z } from 'zod'
import { oneOf, textOf, toLocationQuery } from '@/shared/ui/url-filters'

export type PackageSort = ListPackagesQuery['sort']
export type SortOrder = ListPackagesQuery['order']

/**
 * Search, filters and sort of the packages table as kept in the URL
 * (`?q=&status=&publisher=&baseModel=&label=&sort=&order=`). Unset sort and order mean newest first.
 * The pages themselves follow the server's cursor ("Load more"), from the first page on every visit.
 */
export type PackageFilters = {
  q?: string
  status?: PackageSummary['status']
  publisher?: string
  baseModel?: string
  label?: string
  sort?: PackageSort
  order?: SortOrder
}
/** The fleet shown on the releases page (`?fleet=`). */
export type ReleaseFilters = { fleet?: string }
/** Whether the fleets list includes archived fleets (`?archived=true`). */
export type FleetFilters = { archived?: 'true' }

export const PACKAGE_PAGE_SIZE = 25
const ORDERS: readonly SortOrder[] = ['asc', 'desc']
const DEFAULT_SORT = { sort: 'uploadedAt', order: 'desc' } as const

/** A label of the URL query when it is a valid one (lowercase, see `labelProblem`). */
const labelOf = (query: LocationQuery) => {
  const text = textOf(query, 'label', 127)
  return text !== undefined && labelProblem(text) === null ? text : undefined
}

const uuidOf = (query: LocationQuery, key: string) => {
  const text = textOf(query, key, 36)
  return z.uuid().safeParse(text).success ? text : undefined
}
/** Keeps only the values that are set, as the URL does. */
const compact = <T extends Record<string, string | undefined>>(filters: T) => toLocationQuery(filters) as T

export function packageFiltersOf(query: LocationQuery): PackageFilters {
  const sort = oneOf(query, 'sort', PACKAGE_SORTS)
  const order = oneOf(query, 'order', ORDERS)
  const isDefaultSort = (sort ?? DEFAULT_SORT.sort) === DEFAULT_SORT.sort && (order ?? DEFAULT_SORT.order) === 'desc'
  return compact({
    q: textOf(query, 'q', 120),
    status: oneOf(query, 'status', PACKAGE_STATUSES),
    publisher: uuidOf(query, 'publisher'),
    baseModel: textOf(query, 'baseModel', 200),
    label: labelOf(query),
    sort: isDefaultSort ? undefined : sort,
    order: isDefaultSort ? undefined : order,
  })
}

/** The list request of the packages table for these filters (its first page; then the cursor). */
export function packageListParamsOf(filters: PackageFilters) {
  return {
    q: filters.q,
    status: filters.status,
    publisherId: filters.publisher,
    baseModel: filters.baseModel,
    label: filters.label,
    ...sortOf(filters),
    limit: PACKAGE_PAGE_SIZE,
  }
}

/** The sort and order in effect (the server's default when the URL names none). */
export function sortOf(filters: PackageFilters): { sort: PackageSort; order: SortOrder } {
  return { sort: filters.sort ?? DEFAULT_SORT.sort, order: filters.order ?? DEFAULT_SORT.order }
}

/** Filters with a new sort (the list starts again from its first page); the default sort leaves the URL clean. */
export function withSort(filters: PackageFilters, sort: PackageSort, order: SortOrder): PackageFilters {
  const isDefault = sort === DEFAULT_SORT.sort && order === DEFAULT_SORT.order
  return { ...filters, sort: isDefault ? undefined : sort, order: isDefault ? undefined : order }
}

export function releaseFiltersOf(query: LocationQuery): ReleaseFilters {
  return compact({ fleet: uuidOf(query, 'fleet') })
}

export function fleetFiltersOf(query: LocationQuery): FleetFilters {
  return compact({ archived: oneOf(query, 'archived', ['true'] as const) })
}
