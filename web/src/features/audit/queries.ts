import { queryOptions } from '@tanstack/vue-query'
import { listAuditEntriesRoute } from '@tg/contracts'
import { api } from '@/shared/api'

export const auditKeys = {
  all: ['audit'] as const,
  entries: () => [...auditKeys.all, 'entries'] as const,
}

/** GET /api/v1/audit/entries: not in this build yet, so the server answers 501 NOT_SUPPORTED. */
export const auditEntriesQuery = () =>
  queryOptions({
    queryKey: auditKeys.entries(),
    queryFn: ({ signal }) => api.request(listAuditEntriesRoute, { signal }),
  })
