import type { EgressPolicy } from './egress'

/** The integrations module's settings (README: configuration). */
export type IntegrationsSettings = {
  egress: EgressPolicy
  /** Scheduled check of each enabled connector (TG_INTEGRATION_CHECK_INTERVAL_S). */
  checkIntervalMs: number
  /** One check's time cap (TG_INTEGRATION_CHECK_TIMEOUT_MS). */
  checkTimeoutMs: number
  /** Base of the exponential backoff with full jitter (TG_WEBHOOK_RETRY_BASE_MS). */
  retryBaseMs: number
  /** How long a delivery is retried before it is dead (TG_WEBHOOK_RETRY_WINDOW_S). */
  retryWindowMs: number
  /** Dead deliveries in a row that disable a subscription (TG_WEBHOOK_DISABLE_AFTER). */
  disableAfter: number
  /** One delivery attempt's time cap (TG_WEBHOOK_TIMEOUT_MS). */
  deliveryTimeoutMs: number
  /** How often the workers look for due work when nothing woke them. */
  pollMs: number
}

export const INTEGRATION_DEFAULTS: IntegrationsSettings = {
  egress: { allowHosts: [], maxBytes: 1024 * 1024 },
  checkIntervalMs: 300_000,
  checkTimeoutMs: 10_000,
  retryBaseMs: 5_000,
  retryWindowMs: 24 * 3600_000,
  disableAfter: 20,
  deliveryTimeoutMs: 10_000,
  pollMs: 1_000,
}
