import { queryOptions } from '@tanstack/vue-query'
import { getSessionRoute } from '@tg/contracts'
import { api } from '@/shared/api'

/** The signed-in session's cache key: the auth feature, the shell and role-aware views share it. */
export const SESSION_QUERY_KEY = ['auth', 'session'] as const

export const sessionQuery = () =>
  queryOptions({
    queryKey: SESSION_QUERY_KEY,
    queryFn: ({ signal }) => api.request(getSessionRoute, { signal }),
    staleTime: 60_000,
  })
