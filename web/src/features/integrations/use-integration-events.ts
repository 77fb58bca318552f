// Live integration updates: the server's `connector` (a check's result changed a status) and
// `delivery` (a webhook delivery moved on) events mark the affected queries stale. Bursts of
// events are coalesced.
import type { QueryKey } from '@tanstack/vue-query'
import { IntegrationEventSchema, integrationEventsRoute } from '@tg/contracts'
import type { IntegrationEvent } from '@tg/contracts'
import { useLiveQueries } from '@/shared/api'
import { integrationsKeys } from './queries'

export { COALESCE_MS } from '@/shared/api'

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
  return useLiveQueries(integrationEventsRoute, () => ({}), {
    events: ['connector', 'delivery'],
    schema: IntegrationEventSchema,
    keysFor: keysToInvalidate,
    allKey: integrationsKeys.all,
  })
}
