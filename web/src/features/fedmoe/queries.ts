import { queryOptions } from '@tanstack/vue-query'
import { listExpertsRoute } from '@tg/contracts'
import { api } from '@/shared/api'

export const fedmoeKeys = {
  all: ['fedmoe'] as const,
  experts: () => [...fedmoeKeys.all, 'experts'] as const,
}

/** GET /api/v1/fedmoe/experts: not in this build yet, so the server answers 501 NOT_SUPPORTED. */
export const fedmoeExpertsQuery = () =>
  queryOptions({
    queryKey: fedmoeKeys.experts(),
    queryFn: ({ signal }) => api.request(listExpertsRoute, { signal }),
  })
