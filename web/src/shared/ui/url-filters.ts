import { computed } from 'vue'
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import { useRoute, useRouter } from 'vue-router'

/** Filters of a server-paginated list as kept in the URL; `cursor` or `page` is the page. */
export type UrlFilters = { cursor?: string; page?: string } & Record<string, string | undefined>

/** Keys that page or order a list without narrowing it. */
const PAGING_KEYS: ReadonlySet<string> = new Set(['cursor', 'page', 'sort', 'order'])

/** A trimmed text value of the URL query, cut to `max` characters; undefined when empty. */
export function textOf(query: LocationQuery, key: string, max: number): string | undefined {
  const raw = query[key]
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim()
  return value ? value.slice(0, max) : undefined
}

/** The URL query value when it is one of `allowed`; undefined otherwise. */
export function oneOf<T extends string>(query: LocationQuery, key: string, allowed: readonly T[]): T | undefined {
  const value = textOf(query, key, 40)
  return allowed.find((item) => item === value)
}

/** Drops empty values so that the URL only carries what is set. */
export function toLocationQuery(filters: Record<string, string | undefined>): LocationQueryRaw {
  return Object.fromEntries(Object.entries(filters).filter((entry): entry is [string, string] => !!entry[1]))
}

/** True when anything narrows the list (page, cursor, sort and order do not count). */
export function hasFilters(filters: UrlFilters): boolean {
  return Object.entries(filters).some(([key, value]) => !PAGING_KEYS.has(key) && !!value)
}

/**
 * Filters and page of a list, read from and written to the URL so that a view can be shared
 * and reloaded. New filters start again from the first page.
 */
export function useUrlFilters<F extends UrlFilters>(parse: (query: LocationQuery) => F) {
  const route = useRoute()
  const router = useRouter()
  const filters = computed(() => parse(route.query))
  return {
    filters,
    setFilters: (next: F) => router.push({ query: toLocationQuery({ ...next, cursor: undefined, page: undefined }) }),
    setCursor: (cursor: string | undefined) => router.push({ query: toLocationQuery({ ...filters.value, cursor }) }),
  }
}
