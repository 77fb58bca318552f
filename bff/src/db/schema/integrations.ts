import { sql } from 'drizzle-orm'
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { createdAt } from './columns'

/** An integration connector; credentials live sealed in integration_secrets, never in `config`. */
export const integrationConnectors = pgTable(
  'integration_connectors',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull().unique(),
    kind: text('kind', { enum: ['huggingface', 'formant', 'ros2_bridge', 'isaac_lab'] }).notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** The configuration without its credential fields. */
    config: jsonb('config').notNull(),
    status: text('status', { enum: ['unknown', 'healthy', 'degraded', 'unhealthy'] })
      .notNull()
      .default('unknown'),
    lastResultId: uuid('last_result_id'),
    statusChangedAt: timestamp('status_changed_at', { withTimezone: true, mode: 'date' }),
    /** When the scheduler queues its next check. */
    nextCheckAt: timestamp('next_check_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('integration_connectors_next_check_idx').on(t.nextCheckAt)],
)

/** A connector credential sealed with AES-256-GCM under the master key (lib/seal). */
export const integrationSecrets = pgTable(
  'integration_secrets',
  {
    connectorId: uuid('connector_id')
      .notNull()
      .references(() => integrationConnectors.id, { onDelete: 'cascade' }),
    field: text('field').notNull(),
    sealed: text('sealed').notNull(),
    last4: text('last4').notNull(),
    setAt: timestamp('set_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    setBy: text('set_by'),
  },
  (t) => [primaryKey({ columns: [t.connectorId, t.field] })],
)

/** Check jobs: queued by the scheduler or on demand, claimed by a worker with a lease. */
export const connectorChecks = pgTable(
  'connector_checks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    connectorId: uuid('connector_id')
      .notNull()
      .references(() => integrationConnectors.id, { onDelete: 'cascade' }),
    trigger: text('trigger', { enum: ['schedule', 'manual'] }).notNull(),
    state: text('state', { enum: ['queued', 'running', 'done'] })
      .notNull()
      .default('queued'),
    requestedAt: timestamp('requested_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    claimedBy: text('claimed_by'),
    claimExpiresAt: timestamp('claim_expires_at', { withTimezone: true, mode: 'date' }),
    resultId: uuid('result_id'),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('connector_checks_state_idx').on(t.state, t.requestedAt),
    uniqueIndex('connector_checks_one_open_idx')
      .on(t.connectorId)
      .where(sql`state <> 'done'`),
  ],
)

export const connectorCheckResults = pgTable(
  'connector_check_results',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    connectorId: uuid('connector_id')
      .notNull()
      .references(() => integrationConnectors.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['healthy', 'degraded', 'unhealthy'] }).notNull(),
    reason: text('reason'),
    remediation: text('remediation'),
    message: text('message').notNull(),
    latencyMs: integer('latency_ms'),
    details: jsonb('details'),
    checkedAt: timestamp('checked_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('connector_check_results_connector_idx').on(t.connectorId, t.checkedAt, t.id)],
)

export const webhookSubscriptions = pgTable(
  'webhook_subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    url: text('url').notNull(),
    events: text('events').array().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    disabledReason: text('disabled_reason'),
    /** The whsec_ signing secret, sealed under the master key. */
    secretSealed: text('secret_sealed').notNull(),
    secretLast4: text('secret_last4').notNull(),
    secretSetAt: timestamp('secret_set_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Dead deliveries in a row; TG_WEBHOOK_DISABLE_AFTER of them disable the subscription. */
    consecutiveDead: integer('consecutive_dead').notNull().default(0),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('webhook_subscriptions_created_idx').on(t.createdAt, t.id)],
)

/** An event as emitted by a producer, with the exact payload every delivery sends. */
export const webhookEvents = pgTable('webhook_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  payload: jsonb('payload').notNull(),
  createdAt: createdAt(),
})

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => webhookSubscriptions.id, { onDelete: 'cascade' }),
    eventId: text('event_id')
      .notNull()
      .references(() => webhookEvents.id),
    /** The webhook-id of every attempt of this delivery, restarts included. */
    messageId: text('message_id').notNull().unique(),
    status: text('status', { enum: ['pending', 'delivering', 'succeeded', 'failed', 'dead'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).defaultNow(),
    claimedBy: text('claimed_by'),
    claimExpiresAt: timestamp('claim_expires_at', { withTimezone: true, mode: 'date' }),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    replayOf: uuid('replay_of'),
    createdAt: createdAt(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_subscription_idx').on(t.subscriptionId, t.createdAt, t.id),
  ],
)

export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    statusCode: integer('status_code'),
    latencyMs: integer('latency_ms').notNull(),
    responseSnippet: text('response_snippet'),
    error: text('error'),
    succeeded: boolean('succeeded').notNull(),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.number)],
)
