import type { CheckReason, ConnectorStatus, DeliveryStatus } from '@tg/contracts'

type Tone = 'success' | 'warning' | 'error' | 'info' | 'default'
type StatusView = { label: string; tone: Tone }

/** Badges of a connector's status: `value` for data-status, `label` for people. */
export const CONNECTOR_STATUS_VIEW = {
  unknown: { label: 'Not checked yet', tone: 'default' },
  healthy: { label: 'Healthy', tone: 'success' },
  degraded: { label: 'Degraded', tone: 'warning' },
  unhealthy: { label: 'Unhealthy', tone: 'error' },
} as const satisfies Record<ConnectorStatus, StatusView>

export const CHECK_REASON_LABELS: Record<CheckReason, string> = {
  slow: 'Slow answer',
  rate_limited: 'Rate limited',
  unauthorized: 'Not authorised',
  not_found: 'Not found',
  unreachable: 'Unreachable',
  timeout: 'Timed out',
  tls: 'TLS failure',
  refused_by_guard: 'Refused by the egress guard',
  bad_response: 'Unexpected answer',
  server_error: 'Server error',
}

export const DELIVERY_STATUS_VIEW = {
  pending: { label: 'Pending', tone: 'info' },
  delivering: { label: 'Delivering', tone: 'info' },
  succeeded: { label: 'Delivered', tone: 'success' },
  failed: { label: 'Failed, will retry', tone: 'warning' },
  dead: { label: 'Gave up', tone: 'error' },
} as const satisfies Record<DeliveryStatus, StatusView>

/** "45 ms", "1.2 s"; an em dash when no latency was measured. */
export function formatLatencyMs(latencyMs: number | null): string {
  if (latencyMs === null) return '—'
  return latencyMs < 1000 ? `${latencyMs} ms` : `${(latencyMs / 1000).toFixed(1)} s`
}

/** The console routes of the integrations pages. */
export const connectorPath = (id: string) => `/integrations/connectors/${id}`
export const webhookPath = (id: string) => `/integrations/webhooks/${id}`
export const deliveryPath = (id: string) => `/integrations/deliveries/${id}`
