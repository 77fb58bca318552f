import { queryOptions } from '@tanstack/vue-query'
import { listPackagesRoute } from '@tg/contracts'
import { api } from '@/shared/api'

export const marketplaceKeys = {
  all: ['marketplace'] as const,
  packages: () => [...marketplaceKeys.all, 'packages'] as const,
}

/** GET /api/v1/tgsp/packages: not in this build yet, so the server answers 501 NOT_SUPPORTED. */
export const marketplacePackagesQuery = () =>
  queryOptions({
    queryKey: marketplaceKeys.packages(),
    queryFn: ({ signal }) => api.request(listPackagesRoute, { signal }),
  })
