import { queryOptions, useMutation, useQueryClient } from '@tanstack/vue-query'
import {
  changeStatusRoute,
  checkGateRoute,
  compareTracesRoute,
  compareVersionsRoute,
  createExpertRoute,
  createVersionRoute,
  createIngestKeyRoute,
  deployRoute,
  getEvidenceRoute,
  getExpertRoute,
  getVersionRoute,
  fedmoeOverviewRoute,
  getDefaultGatePolicyRoute,
  listEvidenceRoute,
  listDeploymentsRoute,
  listChannelsRoute,
  listExpertsRoute,
  listPackagesRoute,
  listTracesRoute,
  metricHistoryRoute,
  rollbackRoute,
  setDefaultGatePolicyRoute,
  setGatePolicyRoute,
} from '@tg/contracts'
import type {
  ChangeStatusBody,
  CreateExpertBody,
  CreateVersionBody,
  CreateIngestKeyBody,
  DeployExpertBody,
  RollbackExpertBody,
  SetDefaultGatePolicyBody,
  SetGatePolicyBody,
} from '@tg/contracts'
import { api } from '@/shared/api'
import type { ArenaState, EvidenceTypeFilter, ExpertFilters, TraceState } from './url-state'

const ALL = ['fedmoe'] as const
const EXPERTS = [...ALL, 'experts'] as const

/**
 * Query keys of FedMoE. Everything of one family sits under `expert(expertId)`, so that one event
 * (or one mutation) of a family marks its versions, evidence, gate and arena stale at once.
 */
export const fedmoeKeys = {
  all: ALL,
  experts: EXPERTS,
  expertLists: () => [...EXPERTS, 'list'] as const,
  expertList: (filters: ExpertFilters) => [...EXPERTS, 'list', filters] as const,
  expert: (expertId: string) => [...EXPERTS, 'detail', expertId] as const,
  expertDetail: (expertId: string) => [...EXPERTS, 'detail', expertId, 'family'] as const,
  version: (expertId: string, versionId: string) => [...EXPERTS, 'detail', expertId, 'version', versionId] as const,
  evidenceList: (
    expertId: string,
    versionId: string,
    type: EvidenceTypeFilter | undefined,
    cursor: string | undefined,
  ) => [...EXPERTS, 'detail', expertId, 'evidence', versionId, type ?? null, cursor ?? null] as const,
  deployments: (expertId: string) => [...EXPERTS, 'detail', expertId, 'deployments'] as const,
  arena: (expertId: string, state: ArenaState) => [...EXPERTS, 'detail', expertId, 'arena', state] as const,
  history: (expertId: string, benchmark: string, metric: string) =>
    [...EXPERTS, 'detail', expertId, 'history', benchmark, metric] as const,
  arenaTraces: (expertId: string, state: TraceState) =>
    [...EXPERTS, 'detail', expertId, 'arena-traces', state] as const,
  evidence: (evidenceId: string) => [...ALL, 'evidence', evidenceId] as const,
  traces: (evidenceId: string, cursor: string | undefined, failuresBelow: number | undefined) =>
    [...ALL, 'evidence', evidenceId, 'traces', cursor ?? null, failuresBelow ?? null] as const,
  overview: () => [...ALL, 'overview'] as const,
  verifiedPackages: (q: string) => [...ALL, 'verified-packages', q] as const,
  channels: () => [...ALL, 'channels'] as const,
  defaultPolicy: () => [...ALL, 'default-gate-policy'] as const,
}

export const EXPERT_PAGE_SIZE = 25
export const EVIDENCE_PAGE_SIZE = 20
export const TRACE_PAGE_SIZE = 25

export const expertListQuery = (filters: ExpertFilters) =>
  queryOptions({
    queryKey: fedmoeKeys.expertList(filters),
    queryFn: ({ signal }) =>
      api.request(listExpertsRoute, { params: { query: { ...filters, limit: EXPERT_PAGE_SIZE } }, signal }),
  })

export const expertQuery = (expertId: string) =>
  queryOptions({
    queryKey: fedmoeKeys.expertDetail(expertId),
    queryFn: ({ signal }) => api.request(getExpertRoute, { params: { path: { expertId } }, signal }),
  })

export const versionQuery = (expertId: string, versionId: string) =>
  queryOptions({
    queryKey: fedmoeKeys.version(expertId, versionId),
    queryFn: ({ signal }) => api.request(getVersionRoute, { params: { path: { expertId, versionId } }, signal }),
  })

export const evidenceListQuery = (
  expertId: string,
  versionId: string,
  type: EvidenceTypeFilter | undefined,
  cursor: string | undefined,
) =>
  queryOptions({
    queryKey: fedmoeKeys.evidenceList(expertId, versionId, type, cursor),
    queryFn: ({ signal }) =>
      api.request(listEvidenceRoute, {
        params: { path: { expertId, versionId }, query: { type, cursor, limit: EVIDENCE_PAGE_SIZE } },
        signal,
      }),
  })

export const deploymentsQuery = (expertId: string) =>
  queryOptions({
    queryKey: fedmoeKeys.deployments(expertId),
    queryFn: ({ signal }) =>
      api.request(listDeploymentsRoute, { params: { path: { expertId }, query: { limit: 50 } }, signal }),
  })

export const evidenceQuery = (evidenceId: string) =>
  queryOptions({
    queryKey: fedmoeKeys.evidence(evidenceId),
    queryFn: ({ signal }) => api.request(getEvidenceRoute, { params: { path: { evidenceId } }, signal }),
  })

export const tracesQuery = (evidenceId: string, cursor: string | undefined, failuresBelow: number | undefined) =>
  queryOptions({
    queryKey: fedmoeKeys.traces(evidenceId, cursor, failuresBelow),
    queryFn: ({ signal }) =>
      api.request(listTracesRoute, {
        params: { path: { evidenceId }, query: { cursor, failuresBelow, limit: TRACE_PAGE_SIZE } },
        signal,
      }),
  })

export const arenaQuery = (expertId: string, state: ArenaState & { benchmark: string }) =>
  queryOptions({
    queryKey: fedmoeKeys.arena(expertId, state),
    queryFn: ({ signal }) =>
      api.request(compareVersionsRoute, {
        params: {
          path: { expertId },
          query: { versions: state.versions.join(','), benchmark: state.benchmark, baseline: state.baseline },
        },
        signal,
      }),
  })

export const metricHistoryQuery = (expertId: string, benchmark: string, metric: string) =>
  queryOptions({
    queryKey: fedmoeKeys.history(expertId, benchmark, metric),
    queryFn: ({ signal }) =>
      api.request(metricHistoryRoute, { params: { path: { expertId }, query: { benchmark, metric } }, signal }),
  })

export const arenaTracesQuery = (expertId: string, state: TraceState & { benchmark: string }) =>
  queryOptions({
    queryKey: fedmoeKeys.arenaTraces(expertId, state),
    queryFn: ({ signal }) =>
      api.request(compareTracesRoute, {
        params: {
          path: { expertId },
          query: {
            versions: state.versions.join(','),
            benchmark: state.benchmark,
            filter: state.filter,
            failuresBelow: state.failuresBelow,
            cursor: state.cursor,
            limit: TRACE_PAGE_SIZE,
          },
        },
        signal,
      }),
  })

export const fedmoeOverviewQuery = () =>
  queryOptions({
    queryKey: fedmoeKeys.overview(),
    queryFn: ({ signal }) => api.request(fedmoeOverviewRoute, { signal }),
  })

/** Packages a version may link to: only those that passed verification (the server refuses others). */
export const verifiedPackagesQuery = (q: string) =>
  queryOptions({
    queryKey: fedmoeKeys.verifiedPackages(q),
    queryFn: ({ signal }) =>
      api.request(listPackagesRoute, {
        params: {
          query: { status: 'verified', q: q || undefined, sort: 'uploadedAt', order: 'desc', limit: 50 },
        },
        signal,
      }),
  })

/** The marketplace's release channels (TG_RELEASE_CHANNELS), in promotion order. */
export const channelsQuery = () =>
  queryOptions({
    queryKey: fedmoeKeys.channels(),
    queryFn: ({ signal }) => api.request(listChannelsRoute, { signal }),
    staleTime: 5 * 60_000,
  })

function useInvalidate() {
  const queryClient = useQueryClient()
  return (...keys: ReadonlyArray<readonly unknown[]>) =>
    Promise.all(keys.map((queryKey) => queryClient.invalidateQueries({ queryKey })))
}

export function useCreateExpertMutation() {
  const invalidate = useInvalidate()
  return useMutation({
    mutationFn: (body: CreateExpertBody) => api.request(createExpertRoute, { body }),
    onSuccess: () => invalidate(fedmoeKeys.expertLists(), fedmoeKeys.overview()),
  })
}

export function useCreateVersionMutation(expertId: () => string) {
  const invalidate = useInvalidate()
  return useMutation({
    mutationFn: (body: CreateVersionBody) =>
      api.request(createVersionRoute, { params: { path: { expertId: expertId() } }, body }),
    onSuccess: () => invalidate(fedmoeKeys.expert(expertId()), fedmoeKeys.expertLists(), fedmoeKeys.overview()),
  })
}

export function useChangeStatusMutation(expertId: () => string) {
  const invalidate = useInvalidate()
  return useMutation({
    mutationFn: ({ versionId, body }: { versionId: string; body: ChangeStatusBody }) =>
      api.request(changeStatusRoute, { params: { path: { expertId: expertId(), versionId } }, body }),
    // A refused validation wrote the version's last gate: refresh either way.
    onSettled: () => invalidate(fedmoeKeys.expert(expertId()), fedmoeKeys.expertLists(), fedmoeKeys.overview()),
  })
}

export function useCheckGateMutation(expertId: () => string) {
  const invalidate = useInvalidate()
  return useMutation({
    mutationFn: ({ versionId, channel }: { versionId: string; channel?: string }) =>
      api.request(checkGateRoute, { params: { path: { expertId: expertId(), versionId }, query: { channel } } }),
    onSuccess: () => invalidate(fedmoeKeys.expert(expertId()), fedmoeKeys.overview()),
  })
}

export function useDeployMutation(expertId: () => string) {
  const invalidate = useInvalidate()
  return useMutation({
    mutationFn: ({ versionId, body }: { versionId: string; body: DeployExpertBody }) =>
      api.request(deployRoute, { params: { path: { expertId: expertId(), versionId } }, body }),
    onSettled: () => invalidate(fedmoeKeys.expert(expertId()), fedmoeKeys.expertLists(), fedmoeKeys.overview()),
  })
}

export function useRollbackMutation(expertId: () => string) {
  const invalidate = useInvalidate()
  return useMutation({
    mutationFn: (body: RollbackExpertBody) =>
      api.request(rollbackRoute, { params: { path: { expertId: expertId() } }, body }),
    onSettled: () => invalidate(fedmoeKeys.expert(expertId()), fedmoeKeys.expertLists(), fedmoeKeys.overview()),
  })
}

export function useSetGatePolicyMutation(expertId: () => string) {
  const invalidate = useInvalidate()
  return useMutation({
    mutationFn: (body: SetGatePolicyBody) =>
      api.request(setGatePolicyRoute, { params: { path: { expertId: expertId() } }, body }),
    onSuccess: () => invalidate(fedmoeKeys.expert(expertId())),
  })
}

/** The platform's default gate policy (families without their own use it). */
export const defaultPolicyQuery = () =>
  queryOptions({
    queryKey: fedmoeKeys.defaultPolicy(),
    queryFn: ({ signal }) => api.request(getDefaultGatePolicyRoute, { signal }),
  })

/** Changes the default policy (admin): every family without its own gate is judged by it from now on. */
export function useSetDefaultPolicyMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: SetDefaultGatePolicyBody) => api.request(setDefaultGatePolicyRoute, { body }),
    onSuccess: (policy) => {
      queryClient.setQueryData(fedmoeKeys.defaultPolicy(), policy)
      return queryClient.invalidateQueries({ queryKey: fedmoeKeys.experts })
    },
  })
}

/** A key whose only right is to post evidence for the named families; its secret is in the answer only. */
export function useCreateIngestKeyMutation() {
  return useMutation({ mutationFn: (body: CreateIngestKeyBody) => api.request(createIngestKeyRoute, { body }) })
}
