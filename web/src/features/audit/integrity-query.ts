import { queryOptions } from '@tanstack/vue-query'
import { getAuditIntegrityRoute } from '@tg/contracts'
import { api } from '@/shared/api'
import type { AuditFilters } from './url-filters'

// Kept apart from queries.ts: the console-wide alarm (in the shell, on every first load) needs
// only this, not the entry search with its hashing (formats/audit, @noble/hashes).

export const auditKeys = {
  all: ['audit'] as const,
  entries: () => [...auditKeys.all, 'entries'] as const,
  entryList: (filters: AuditFilters, treeSize: number | null) => [...auditKeys.entries(), filters, treeSize] as const,
  checkpoints: () => [...auditKeys.all, 'checkpoints'] as const,
  latestCheckpoint: () => [...auditKeys.checkpoints(), 'latest'] as const,
  keys: () => [...auditKeys.all, 'keys'] as const,
  integrity: () => [...auditKeys.all, 'integrity'] as const,
}

/** How often the console asks for the server's self-check state (the server checks every minute). */
export const INTEGRITY_POLL_MS = 30_000

/** The server's self-check of its log (shared by its replicas), for the console-wide alarm. */
export const auditIntegrityQuery = () =>
  queryOptions({
    queryKey: auditKeys.integrity(),
    queryFn: ({ signal }) => api.request(getAuditIntegrityRoute, { signal }),
    staleTime: INTEGRITY_POLL_MS / 2,
    refetchInterval: INTEGRITY_POLL_MS,
  })
