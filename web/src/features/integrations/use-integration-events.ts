// Live integration updates: the server's `connector` (a check's result changed a status) and
// `delivery` (a webhook delivery moved on) events mark the affected queries stale. Bursts of
// events are coalesced.
import { useQueryClient } from '@tanstack/vue-query'
import type { QueryKey } from '@tanstack/vue-query'
import { IntegrationEventSchema, integrationEventsRoute } from '@tg/contracts'
import type { IntegrationEvent } from '@tg/contracts'
import { onScopeDispose } from 'vue'
import { useEventStream } from '@/shared/api'
import { integrationsKeys } from './queries'

/** How long events are gathered before the queries they touch are refetched. */
export const COALESCE_MS = 150

/** The queries an event makes stale. */
export function keysToInvalidate(event: IntegrationEvent): QueryKey[] {
  if (event.type === 'connector')
    return [
      integrationsKeys.connectors.list(),
      integrationsKeys.connectors.detail(event.connectorId),
      integrationsKeys.connectors.checks(event.connectorId),
    ]
  return [
    integrationsKeys.webhooks.deliveries(event.subscriptionId),
    integrationsKeys.deliveries.detail(event.deliveryId),
    // A subscription that keeps failing is disabled by the server.
    integrationsKeys.webhooks.detail(event.subscriptionId),
    integrationsKeys.webhooks.list(),
  ]
}

/** Subscribes while the calling component lives. */
export function useIntegrationEvents() {
  const queryClient = useQueryClient()
  const pending = new Map<string, QueryKey>()
  let timer: ReturnType<typeof setTimeout> | null = null

  const flush = () => {
    timer = null
    const keys = [...pending.values()]
    pending.clear()
    for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey })
  }
  const schedule = (keys: QueryKey[]) => {
    for (const key of keys) pending.set(JSON.stringify(key), key)
    timer ??= setTimeout(flush, COALESCE_MS)
  }
  onScopeDispose(() => timer && clearTimeout(timer))

  return useEventStream(integrationEventsRoute, () => ({}), {
    events: ['connector', 'delivery'],
    schema: IntegrationEventSchema,
    onEvent: (event) => schedule(keysToInvalidate(event)),
    // Events sent while the stream was down are lost: refetch everything of integrations.
    onReconnected: () => schedule([integrationsKeys.all]),
  })
}
