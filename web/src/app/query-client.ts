import { QueryCache, QueryClient } from '@tanstack/vue-query'
import { toApiError } from '@/shared/api'
import { authKeys } from '@/features/auth/queries'

const NEVER_RETRIED = new Set(['NOT_SUPPORTED', 'CONTRACT_VIOLATION'])

/** No retry for client errors, for NOT_SUPPORTED and CONTRACT_VIOLATION; at most one otherwise. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  const apiError = toApiError(error)
  if (apiError.status < 500 || NEVER_RETRIED.has(apiError.code)) return false
  return failureCount < 1
}

export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError(error, query) {
        // The session is gone: forget it, so that the next navigation asks the server again.
        if (toApiError(error).code === 'UNAUTHENTICATED' && query.queryKey[1] !== 'session')
          client.removeQueries({ queryKey: authKeys.session() })
      },
    }),
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 15_000, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  })
  return client
}

/** The query client of the running console (the router guard reads the session through it). */
export const queryClient = createQueryClient()
