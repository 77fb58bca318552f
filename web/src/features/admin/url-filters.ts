import { ROLES } from '@tg/contracts'
import type { ApiKey, Role, User } from '@tg/contracts'
import type { LocationQuery, LocationQueryRaw } from 'vue-router'

/** Filters and page of the users table, as kept in the URL (`?q=&role=&status=&cursor=`). */
export type UserFilters = { q?: string; role?: Role; status?: User['status']; cursor?: string }
/** Filters and page of the API keys table (`?prefix=&status=&cursor=`). */
export type ApiKeyFilters = { prefix?: string; status?: ApiKey['status']; cursor?: string }

const USER_STATUSES: readonly User['status'][] = ['active', 'disabled']
const KEY_STATUSES: readonly ApiKey['status'][] = ['active', 'revoked', 'expired']

function textOf(query: LocationQuery, key: string, max: number): string | undefined {
  const raw = query[key]
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim()
  return value ? value.slice(0, max) : undefined
}

function oneOf<T extends string>(query: LocationQuery, key: string, allowed: readonly T[]): T | undefined {
  const value = textOf(query, key, 40)
  return allowed.find((item) => item === value)
}

/** Drops empty values so that the URL only carries what is set. */
function compact(values: Record<string, string | undefined>): LocationQueryRaw {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => !!entry[1]))
}

export function userFiltersOf(query: LocationQuery): UserFilters {
  return compactFilters({
    q: textOf(query, 'q', 63),
    role: oneOf(query, 'role', ROLES),
    status: oneOf(query, 'status', USER_STATUSES),
    cursor: textOf(query, 'cursor', 200),
  })
}

export function apiKeyFiltersOf(query: LocationQuery): ApiKeyFilters {
  return compactFilters({
    prefix: textOf(query, 'prefix', 40),
    status: oneOf(query, 'status', KEY_STATUSES),
    cursor: textOf(query, 'cursor', 200),
  })
}

function compactFilters<T extends Record<string, string | undefined>>(filters: T): T {
  return compact(filters) as T
}

export function toLocationQuery(filters: UserFilters | ApiKeyFilters): LocationQueryRaw {
  return compact(filters)
}

/** True when anything narrows the list (the page cursor does not count). */
export function hasFilters(filters: UserFilters | ApiKeyFilters): boolean {
  return Object.entries(filters).some(([key, value]) => key !== 'cursor' && !!value)
}
