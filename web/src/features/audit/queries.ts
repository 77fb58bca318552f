import { infiniteQueryOptions, queryOptions, useMutation, useQueryClient } from '@tanstack/vue-query'
import {
  createAuditCheckpointRoute,
  exportAuditBundleRoute,
  getAuditEntryProofRoute,
  getAuditKeysRoute,
  getLatestAuditCheckpointRoute,
  listAuditEntriesRoute,
  rotateAuditKeysRoute,
} from '@tg/contracts'
import type { AuditCheckpoint } from '@tg/contracts'
import { api, isApiError } from '@/shared/api'
import { entriesQueryOf } from './search'
import type { ExportQueryOf } from './search'
import { auditKeys } from './integrity-query'
import type { AuditFilters } from './url-filters'

/**
 * Entries per page: large enough to scroll smoothly, small enough to verify at once (a page of
 * 200 with proofs took 0.15 s unfiltered and 0.26 s filtered from a million-entry embedded
 * database).
 */
export const ENTRIES_PAGE_SIZE = 200

export { INTEGRITY_POLL_MS, auditIntegrityQuery, auditKeys } from './integrity-query'

/**
 * The newest signed checkpoint, or null before the first one is cut (the server answers 404).
 * Not refetched in the background: a new checkpoint restarts verification, so it is loaded
 * when the person asks (Refresh, Cut checkpoint now) or comes back to the page.
 */
export const latestCheckpointQuery = () =>
  queryOptions({
    queryKey: auditKeys.latestCheckpoint(),
    queryFn: async ({ signal }): Promise<AuditCheckpoint | null> => {
      try {
        return await api.request(getLatestAuditCheckpointRoute, { signal })
      } catch (error) {
        if (isApiError(error) && error.code === 'NOT_FOUND') return null
        throw error
      }
    },
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  })

/** The log's origin, its signing keys and the keys pinned by configuration. */
export const auditKeysQuery = () =>
  queryOptions({
    queryKey: auditKeys.keys(),
    queryFn: ({ signal }) => api.request(getAuditKeysRoute, { signal }),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  })

/**
 * Entries newest first, page by page (infinite scroll), with inclusion proofs against the
 * checkpoint of `treeSize` so that every page is proven against the same verified checkpoint.
 */
export const auditEntriesQuery = (filters: AuditFilters, treeSize: number | null) =>
  infiniteQueryOptions({
    queryKey: auditKeys.entryList(filters, treeSize),
    queryFn: ({ signal, pageParam }) =>
      api.request(listAuditEntriesRoute, {
        params: {
          query: {
            ...entriesQueryOf(filters),
            limit: ENTRIES_PAGE_SIZE,
            cursor: pageParam,
            treeSize: treeSize ?? undefined,
            withProofs: 'true',
          },
        },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  })

/** Cuts a checkpoint now (201 new, 200 when the latest already covers every entry). */
export function useCutCheckpointMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => api.request(createAuditCheckpointRoute),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: auditKeys.all }),
  })
}

/** Rotates the signing keys (admin only); the server then signs a checkpoint with the new keys. */
export function useRotateKeysMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => api.request(rotateAuditKeysRoute),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: auditKeys.all }),
  })
}

/** Downloads the export bundle of the entries matching the export query, for `pnpm tgctl audit verify`. */
export function useExportBundleMutation() {
  return useMutation({
    mutationFn: (query: ExportQueryOf<AuditFilters>) => api.request(exportAuditBundleRoute, { params: { query } }),
  })
}

/** Fetches one entry's offline proof (entry, inclusion proof, signed checkpoint, keys). */
export function useEntryProofMutation() {
  return useMutation({
    mutationFn: (seq: number) => api.request(getAuditEntryProofRoute, { params: { path: { seq } } }),
  })
}
