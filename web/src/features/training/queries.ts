import { infiniteQueryOptions, queryOptions, useMutation, useQueryClient } from '@tanstack/vue-query'
import {
  createTrainingAgentKeyRoute,
  createTrainingRunRoute,
  getTrainingRoundSeriesRoute,
  getTrainingRunRoute,
  listTrainingRoundsRoute,
  listTrainingRunsRoute,
  stopTrainingRunRoute,
  updateTrainingRunAnnotationsRoute,
} from '@tg/contracts'
import type { CreateRunBody, UpdateRunAnnotationsBody } from '@tg/contracts'
import { api } from '@/shared/api'
import { runListParamsOf } from './url-filters'
import type { RunFilters } from './url-filters'

const ALL = ['training'] as const
const RUNS = [...ALL, 'runs'] as const

export const trainingKeys = {
  all: ALL,
  runs: RUNS,
  runLists: () => [...RUNS, 'list'] as const,
  runList: (filters: RunFilters) => [...RUNS, 'list', filters] as const,
  run: (runId: string) => [...RUNS, 'detail', runId] as const,
  /** Every page and the series of a run's rounds (what a new round makes stale). */
  rounds: (runId: string) => [...RUNS, 'rounds', runId] as const,
  roundPage: (runId: string, cursor: string | undefined) => [...RUNS, 'rounds', runId, 'page', cursor ?? null] as const,
  roundSeries: (runId: string) => [...RUNS, 'rounds', runId, 'series'] as const,
}

/** Rounds per page of the run's table, newest first. */
export const ROUND_PAGE_SIZE = 50
/** At most this many sampled rounds in the run's charts, whatever the run's length. */
export const SERIES_POINTS = 400

/** Runs for these filters and sort, a page at a time following the server's nextCursor. */
export const runPagesQuery = (filters: RunFilters) =>
  infiniteQueryOptions({
    queryKey: trainingKeys.runList(filters),
    queryFn: ({ signal, pageParam }) =>
      api.request(listTrainingRunsRoute, {
        params: { query: { ...runListParamsOf(filters), cursor: pageParam } },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  })

export const runQuery = (runId: string) =>
  queryOptions({
    queryKey: trainingKeys.run(runId),
    queryFn: ({ signal }) => api.request(getTrainingRunRoute, { params: { path: { runId } }, signal }),
  })

export const roundPageQuery = (runId: string, cursor: string | undefined) =>
  queryOptions({
    queryKey: trainingKeys.roundPage(runId, cursor),
    queryFn: ({ signal }) =>
      api.request(listTrainingRoundsRoute, {
        params: {
          path: { runId },
          query: { order: 'desc', limit: ROUND_PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) },
        },
        signal,
      }),
  })

export const roundSeriesQuery = (runId: string) =>
  queryOptions({
    queryKey: trainingKeys.roundSeries(runId),
    queryFn: ({ signal }) =>
      api.request(getTrainingRoundSeriesRoute, {
        params: { path: { runId }, query: { points: SERIES_POINTS } },
        signal,
      }),
  })

export function useCreateRunMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: CreateRunBody) => api.request(createTrainingRunRoute, { body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: trainingKeys.runLists() }),
  })
}

export function useStopRunMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ runId, reason }: { runId: string; reason: string }) =>
      api.request(stopTrainingRunRoute, { params: { path: { runId } }, body: { reason } }),
    onSuccess: (run) => {
      queryClient.setQueryData(trainingKeys.run(run.id), run)
      return queryClient.invalidateQueries({ queryKey: trainingKeys.runs })
    },
  })
}

/** A key whose only right is to report this run's rounds; its secret is in the answer only. */
export function useCreateAgentKeyMutation() {
  return useMutation({
    mutationFn: ({ runId, name }: { runId: string; name: string }) =>
      api.request(createTrainingAgentKeyRoute, { params: { path: { runId } }, body: { name } }),
  })
}

/** Replaces a run's tags and note; the lists refresh (a tag filter may now match or not). */
export function useUpdateAnnotationsMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ runId, body }: { runId: string; body: UpdateRunAnnotationsBody }) =>
      api.request(updateTrainingRunAnnotationsRoute, { params: { path: { runId } }, body }),
    onSuccess: (run) => {
      queryClient.setQueryData(trainingKeys.run(run.id), run)
      return queryClient.invalidateQueries({ queryKey: trainingKeys.runLists() })
    },
  })
}
