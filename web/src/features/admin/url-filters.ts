import { ROLES } from '@tg/contracts'
import type { ApiKey, Role, User } from '@tg/contracts'
import type { LocationQuery } from 'vue-router'
import { oneOf, textOf, toLocationQuery } from '@/shared/ui/url-filters'

/** Filters and page of the users table, as kept in the URL (`?q=&role=&status=&cursor=`). */
export type UserFilters = { q?: string; role?: Role; status?: User['status']; cursor?: string }
/** Filters and page of the API keys table (`?prefix=&status=&cursor=`). */
export type ApiKeyFilters = { prefix?: string; status?: ApiKey['status']; cursor?: string }

const USER_STATUSES: readonly User['status'][] = ['active', 'disabled']
const KEY_STATUSES: readonly ApiKey['status'][] = ['active', 'revoked', 'expired']

/** Keeps only the values that are set, as the URL does. */
const compact = <T extends Record<string, string | undefined>>(filters: T) => toLocationQuery(filters) as T

export function userFiltersOf(query: LocationQuery): UserFilters {
  return compact({
    q: textOf(query, 'q', 63),
    role: oneOf(query, 'role', ROLES),
    status: oneOf(query, 'status', USER_STATUSES),
    cursor: textOf(query, 'cursor', 200),
  })
}

export function apiKeyFiltersOf(query: LocationQuery): ApiKeyFilters {
  return compact({
    prefix: textOf(query, 'prefix', 40),
    status: oneOf(query, 'status', KEY_STATUSES),
    cursor: textOf(query, 'cursor', 200),
  })
}
