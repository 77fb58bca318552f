import { and, desc, eq, gte } from 'drizzle-orm'
import { cursorAt, olderThanPosition } from '../../lib/pagination'
import { SECRET_FIELDS } from '@tg/contracts'
import type {
  CheckDetails,
  CheckReason,
  Connector,
  ConnectorCheckJob,
  ConnectorCheckResult,
  ConnectorPublicConfig,
  ConnectorStatus,
  Delivery,
  DeliveryAttempt,
  SecretState,
  Webhook,
  WebhookEventType,
} from '@tg/contracts'
import type { Executor } from '../../db/client'
import type { connectorChecks, webhookAttempts } from '../../db/schema'
import {
  connectorCheckResults,
  integrationConnectors,
  integrationSecrets,
  webhookDeliveries,
  webhookEvents,
  webhookSubscriptions,
} from '../../db/schema'
import { notFound } from '../../lib/errors'

export type ConnectorRow = typeof integrationConnectors.$inferSelect
export type SecretRow = typeof integrationSecrets.$inferSelect
export type ResultRow = typeof connectorCheckResults.$inferSelect
export type JobRow = typeof connectorChecks.$inferSelect
export type WebhookRow = typeof webhookSubscriptions.$inferSelect
export type DeliveryRow = typeof webhookDeliveries.$inferSelect
export type AttemptRow = typeof webhookAttempts.$inferSelect

export function toCheckResult(row: ResultRow): ConnectorCheckResult {
  return {
    id: row.id,
    connectorId: row.connectorId,
    status: row.status,
    reason: (row.reason as CheckReason | null) ?? null,
    remediation: row.remediation,
    message: row.message,
    latencyMs: row.latencyMs,
    details: (row.details as CheckDetails | null) ?? null,
    checkedAt: row.checkedAt.toISOString(),
  }
}

export function toConnector(row: ConnectorRow, secrets: SecretRow[], last: ResultRow | null): Connector {
  const states: Record<string, SecretState> = {}
  for (const field of SECRET_FIELDS[row.kind]) {
    const s = secrets.find((x) => x.field === field)
    states[field] = s ? { set: true, setAt: s.setAt.toISOString(), last4: s.last4 } : { set: false }
  }
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    enabled: row.enabled,
    config: row.config as ConnectorPublicConfig,
    secrets: states,
    status: row.status as ConnectorStatus,
    lastCheck: last ? toCheckResult(last) : null,
    statusChangedAt: row.statusChangedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

export function toJob(row: JobRow): ConnectorCheckJob {
  return {
    id: row.id,
    connectorId: row.connectorId,
    state: row.state,
    trigger: row.trigger,
    requestedAt: row.requestedAt.toISOString(),
    resultId: row.resultId,
  }
}

export async function requireConnector(ex: Executor, id: string, forUpdate = false): Promise<ConnectorRow> {
  const q = ex.select().from(integrationConnectors).where(eq(integrationConnectors.id, id))
  const [row] = forUpdate ? await q.for('update') : await q
  if (!row) throw notFound('Connector')
  return row
}

export async function loadConnector(ex: Executor, row: ConnectorRow): Promise<Connector> {
  const [secrets, last] = await Promise.all([
    ex.select().from(integrationSecrets).where(eq(integrationSecrets.connectorId, row.id)),
    row.lastResultId
      ? ex.select().from(connectorCheckResults).where(eq(connectorCheckResults.id, row.lastResultId))
      : Promise.resolve([]),
  ])
  return toConnector(row, secrets, last[0] ?? null)
}

export async function listConnectorRows(ex: Executor): Promise<Connector[]> {
  const [rows, secrets, results] = await Promise.all([
    ex.select().from(integrationConnectors).orderBy(integrationConnectors.name),
    ex.select().from(integrationSecrets),
    ex
      .select({ r: connectorCheckResults })
      .from(connectorCheckResults)
      .innerJoin(integrationConnectors, eq(integrationConnectors.lastResultId, connectorCheckResults.id)),
  ])
  return rows.map((row) =>
    toConnector(
      row,
      secrets.filter((s) => s.connectorId === row.id),
      results.find((x) => x.r.id === row.lastResultId)?.r ?? null,
    ),
  )
}

export async function checkHistory(
  ex: Executor,
  connectorId: string,
  limit: number,
  after: { at: string; id: string } | null,
  since: Date | undefined,
) {
  const t = connectorCheckResults
  return ex
    .select({ r: t, cursorAt: cursorAt(t.checkedAt) })
    .from(t)
    .where(
      and(
        eq(t.connectorId, connectorId),
        since ? gte(t.checkedAt, since) : undefined,
        after ? olderThanPosition(t.checkedAt, t.id, after) : undefined,
      ),
    )
    .orderBy(desc(t.checkedAt), desc(t.id))
    .limit(limit + 1)
}

export function toWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    events: row.events as WebhookEventType[],
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    secretSetAt: row.secretSetAt.toISOString(),
    secretLast4: row.secretLast4,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

export async function requireWebhook(ex: Executor, id: string, forUpdate = false): Promise<WebhookRow> {
  const q = ex.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id))
  const [row] = forUpdate ? await q.for('update') : await q
  if (!row) throw notFound('Webhook')
  return row
}

export function toDelivery(row: DeliveryRow, eventType: string): Delivery {
  return {
    id: row.id,
    subscriptionId: row.subscriptionId,
    eventId: row.eventId,
    eventType: eventType as WebhookEventType,
    messageId: row.messageId,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt:
      row.status === 'pending' || row.status === 'failed' ? (row.nextAttemptAt?.toISOString() ?? null) : null,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    replayOf: row.replayOf,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
  }
}

export function toAttempt(row: AttemptRow): DeliveryAttempt {
  return {
    id: row.id,
    number: row.number,
    startedAt: row.startedAt.toISOString(),
    statusCode: row.statusCode,
    latencyMs: row.latencyMs,
    responseSnippet: row.responseSnippet,
    error: row.error,
    succeeded: row.succeeded,
  }
}

export async function requireDelivery(ex: Executor, id: string) {
  const [row] = await ex
    .select({ d: webhookDeliveries, type: webhookEvents.type, payload: webhookEvents.payload })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(eq(webhookDeliveries.id, id))
  if (!row) throw notFound('Delivery')
  return row
}
