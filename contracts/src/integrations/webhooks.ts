import { z } from 'zod'
import { PageQuerySchema, TimestampSchema } from '../common/pagination'
import { CheckReasonSchema, ConnectorStatusSchema } from './connectors'

export const WEBHOOK_EVENT_TYPES = [
  'release.promoted',
  'release.rolled_back',
  'package.verified',
  'package.refused',
  'training.budget_exhausted',
  'expert.deployed',
  'integration.status_changed',
  'audit.checkpoint_published',
  'webhook.test',
] as const
export const WebhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES).meta({ id: 'WebhookEventType' })
export type WebhookEventType = z.infer<typeof WebhookEventTypeSchema>

export const WEBHOOK_EVENT_LABELS: Record<WebhookEventType, string> = {
  'release.promoted': 'Release promoted',
  'release.rolled_back': 'Release rolled back',
  'package.verified': 'Package verified',
  'package.refused': 'Package refused',
  'training.budget_exhausted': 'Run budget exhausted',
  'expert.deployed': 'Expert deployed',
  'integration.status_changed': 'Integration status changed',
  'audit.checkpoint_published': 'Audit checkpoint published',
  'webhook.test': 'Test event',
}

/** What a receiver gets as the body; signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature). */
export const WebhookPayloadSchema = z
  .object({
    id: z
      .string()
      .regex(/^evt_[A-Za-z0-9]+$/)
      .meta({ description: 'The event; the same for every subscription it goes to.' }),
    type: WebhookEventTypeSchema,
    timestamp: TimestampSchema,
    data: z.object({ resource: z.record(z.string(), z.unknown()) }),
  })
  .meta({ id: 'WebhookPayload' })
export type WebhookPayload = z.infer<typeof WebhookPayloadSchema>

const httpUrl = z
  .string()
  .trim()
  .max(2000)
  .refine(
    (v) => /^https?:\/\//i.test(v) && URL.canParse(v),
    'The URL must be https:// (http:// only for hosts an admin allowed).',
  )

export const WebhookSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    url: z.string(),
    events: z.array(WebhookEventTypeSchema),
    enabled: z.boolean(),
    disabledReason: z
      .string()
      .nullable()
      .meta({ description: 'Set when the server disabled it after failing deliveries.' }),
    secretSetAt: TimestampSchema,
    secretLast4: z.string().max(4),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: 'Webhook' })
export type Webhook = z.infer<typeof WebhookSchema>

export const WebhookListSchema = z.object({ items: z.array(WebhookSchema) }).meta({ id: 'WebhookList' })
export type WebhookList = z.infer<typeof WebhookListSchema>

export const WebhookWithSecretSchema = z
  .object({
    webhook: WebhookSchema,
    secret: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/=]+$/)
      .meta({ description: 'The signing secret: shown this once.' }),
  })
  .meta({ id: 'WebhookWithSecret' })
export type WebhookWithSecret = z.infer<typeof WebhookWithSecretSchema>

const events = z
  .array(WebhookEventTypeSchema)
  .min(1, 'Choose at least one event.')
  .refine((e) => new Set(e).size === e.length, 'Each event at most once.')

export const CreateWebhookBodySchema = z
  .object({
    name: z.string().trim().min(1, 'Enter a name.').max(120),
    url: httpUrl,
    events,
    enabled: z.boolean().default(true),
  })
  .strict()
  .meta({ id: 'CreateWebhookBody' })
export type CreateWebhookBody = z.infer<typeof CreateWebhookBodySchema>

export const UpdateWebhookBodySchema = z
  .object({
    name: z.string().trim().min(1, 'Enter a name.').max(120).optional(),
    url: httpUrl.optional(),
    events: events.optional(),
    enabled: z
      .boolean()
      .optional()
      .meta({ description: 'Enabling again clears disabledReason and the failure count.' }),
  })
  .strict()
  .meta({ id: 'UpdateWebhookBody' })
export type UpdateWebhookBody = z.infer<typeof UpdateWebhookBodySchema>

export const DELIVERY_STATUSES = ['pending', 'delivering', 'succeeded', 'failed', 'dead'] as const
export const DeliveryStatusSchema = z.enum(DELIVERY_STATUSES).meta({
  id: 'DeliveryStatus',
  description: 'failed: an attempt failed and another is scheduled; dead: no more attempts (the retry window ended).',
})
export type DeliveryStatus = z.infer<typeof DeliveryStatusSchema>

export const DeliverySchema = z
  .object({
    id: z.uuid(),
    subscriptionId: z.uuid(),
    eventId: z.string(),
    eventType: WebhookEventTypeSchema,
    messageId: z.string().meta({ description: 'The webhook-id header of every attempt of this delivery.' }),
    status: DeliveryStatusSchema,
    attempts: z.number().int().nonnegative(),
    nextAttemptAt: TimestampSchema.nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    replayOf: z.uuid().nullable(),
    createdAt: TimestampSchema,
    deliveredAt: TimestampSchema.nullable(),
  })
  .meta({ id: 'Delivery' })
export type Delivery = z.infer<typeof DeliverySchema>

export const DeliveryAttemptSchema = z
  .object({
    id: z.uuid(),
    number: z.number().int().positive(),
    startedAt: TimestampSchema,
    statusCode: z.number().int().nullable(),
    latencyMs: z.number().int().nonnegative(),
    responseSnippet: z.string().nullable().meta({ description: 'The first 1 KiB of the answer.' }),
    error: z.string().nullable(),
    succeeded: z.boolean(),
  })
  .meta({ id: 'DeliveryAttempt' })
export type DeliveryAttempt = z.infer<typeof DeliveryAttemptSchema>

export const DeliveryDetailSchema = DeliverySchema.extend({
  payload: WebhookPayloadSchema,
  attemptLog: z.array(DeliveryAttemptSchema).meta({ description: 'Oldest first.' }),
}).meta({ id: 'DeliveryDetail' })
export type DeliveryDetail = z.infer<typeof DeliveryDetailSchema>

export const DeliveryPageSchema = z
  .object({ items: z.array(DeliverySchema), nextCursor: z.string().nullable() })
  .meta({ id: 'DeliveryPage', description: 'Newest first.' })
export type DeliveryPage = z.infer<typeof DeliveryPageSchema>

export const ListDeliveriesQuerySchema = PageQuerySchema.extend({
  status: DeliveryStatusSchema.optional().meta({ param: { name: 'status', in: 'query' } }),
})
export type ListDeliveriesQuery = z.infer<typeof ListDeliveriesQuerySchema>

export const WebhookIdParamSchema = z.object({
  webhookId: z.uuid().meta({ param: { name: 'webhookId', in: 'path' } }),
})
export const DeliveryIdParamSchema = z.object({
  deliveryId: z.uuid().meta({ param: { name: 'deliveryId', in: 'path' } }),
})

/** Live events of the integrations stream (`connector`, `delivery`). */
export const IntegrationEventSchema = z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('connector'),
      connectorId: z.uuid(),
      status: ConnectorStatusSchema,
      reason: CheckReasonSchema.nullable(),
      checkedAt: TimestampSchema,
    }),
    z.object({
      type: z.literal('delivery'),
      deliveryId: z.uuid(),
      subscriptionId: z.uuid(),
      status: DeliveryStatusSchema,
    }),
  ])
  .meta({ id: 'IntegrationEvent' })
export type IntegrationEvent = z.infer<typeof IntegrationEventSchema>
