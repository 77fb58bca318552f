import { queryOptions } from '@tanstack/vue-query'
import { listTrainingRunsRoute } from '@tg/contracts'
import { api } from '@/shared/api'

export const trainingKeys = {
  all: ['training'] as const,
  runs: () => [...trainingKeys.all, 'runs'] as const,
}

/** GET /api/v1/training/runs: not in this build yet, so the server answers 501 NOT_SUPPORTED. */
export const trainingRunsQuery = () =>
  queryOptions({
    queryKey: trainingKeys.runs(),
    queryFn: ({ signal }) => api.request(listTrainingRunsRoute, { signal }),
  })
