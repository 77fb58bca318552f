import type { Logger } from 'pino'
import type { IntegrationEvent } from '@tg/contracts'
import type { Db, Executor } from '../../db/client'
import type { EventBus } from '../../lib/events'
import type { Sealer } from '../../lib/seal'
import type { AuditLog } from '../audit/record'
import type { Lookup } from './egress'
import type { IntegrationsSettings } from './settings'

export const INTEGRATIONS_CHANNEL = 'tg_integrations'
/** NOTIFYed when checks or deliveries are queued, so that a worker starts at once instead of at its next poll. */
export const WORK_CHANNEL = 'tg_integrations_work'

/** What the integrations use cases need, passed explicitly. */
export type IntegrationsDeps = {
  db: Db
  audit: AuditLog
  events: EventBus
  sealer: Sealer
  settings: IntegrationsSettings
  log: Logger
  /** Name resolution of outgoing requests (tests inject one). */
  lookup?: Lookup
}

export const publish = (deps: Pick<IntegrationsDeps, 'events'>, tx: Executor, event: IntegrationEvent) =>
  deps.events.append(tx, INTEGRATIONS_CHANNEL, event)

/** The last 4 characters a credential may show (fewer for a short one: never more than half of it). */
export function last4(value: string): string {
  return value.slice(-Math.min(4, Math.floor(value.length / 2)))
}

export const connectorSecretPurpose = (connectorId: string, field: string) =>
  `integration-secret:${connectorId}:${field}`
export const webhookSecretPurpose = (webhookId: string) => `webhook-secret:${webhookId}`

/** Wakes the workers of every replica once the caller's transaction commits. */
export const wakeWorkers = (deps: Pick<IntegrationsDeps, 'events'>, tx: Executor, what: 'checks' | 'deliveries') =>
  deps.events.publish(tx, WORK_CHANNEL, what)
