import { queryOptions } from '@tanstack/vue-query'
import { listConnectorsRoute } from '@tg/contracts'
import { api } from '@/shared/api'

export const integrationsKeys = {
  all: ['integrations'] as const,
  connectors: () => [...integrationsKeys.all, 'connectors'] as const,
}

/** GET /api/v1/integrations/connectors: every connector with its status (credentials as set / when / last 4). */
export const integrationsConnectorsQuery = () =>
  queryOptions({
    queryKey: integrationsKeys.connectors(),
    queryFn: ({ signal }) => api.request(listConnectorsRoute, { signal }),
  })
