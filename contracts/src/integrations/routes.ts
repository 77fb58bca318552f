import { z } from 'zod'
import { errorResponses } from '../common/errors'
import { ANY_ROLE } from '../common/roles'
import { defineRoute, jsonContent } from '../common/route'
import { LIVE_STREAM_DESCRIPTION, LiveStreamQueryShape } from '../common/live'
import {
  CheckResultPageSchema,
  ConnectorCheckJobSchema,
  ConnectorIdParamSchema,
  ConnectorListSchema,
  ConnectorSchema,
  CreateConnectorBodySchema,
  ListChecksQuerySchema,
  UpdateConnectorBodySchema,
} from './connectors'
import {
  CreateWebhookBodySchema,
  DeliveryDetailSchema,
  DeliveryIdParamSchema,
  DeliveryPageSchema,
  DeliverySchema,
  ListDeliveriesQuerySchema,
  UpdateWebhookBodySchema,
  WebhookIdParamSchema,
  WebhookListSchema,
  WebhookSchema,
  WebhookWithSecretSchema,
} from './webhooks'

const TAGS = ['integrations']
const ADMIN = ['admin'] as const
const BASE = '/api/v1/integrations'
const WRITE_ERRORS = [400, 401, 403, 413, 415, 422, 500, 503] as const

export const listConnectorsRoute = defineRoute({
  method: 'get',
  path: `${BASE}/connectors`,
  operationId: 'integrations.listConnectors',
  summary: 'Connectors with their current status (credentials shown as set / when / last 4 only)',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  responses: {
    200: { description: 'Every connector', content: jsonContent(ConnectorListSchema) },
    ...errorResponses(401, 403, 500, 503),
  },
})

export const createConnectorRoute = defineRoute({
  method: 'post',
  path: `${BASE}/connectors`,
  operationId: 'integrations.createConnector',
  summary: 'Add a connector; its first check is queued at once',
  tags: TAGS,
  'x-roles': ADMIN,
  request: { body: { required: true, content: jsonContent(CreateConnectorBodySchema) } },
  responses: {
    201: { description: 'Created', content: jsonContent(ConnectorSchema) },
    ...errorResponses(...WRITE_ERRORS, 409),
  },
})

export const getConnectorRoute = defineRoute({
  method: 'get',
  path: `${BASE}/connectors/{connectorId}`,
  operationId: 'integrations.getConnector',
  summary: 'One connector',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { params: ConnectorIdParamSchema },
  responses: {
    200: { description: 'The connector', content: jsonContent(ConnectorSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const updateConnectorRoute = defineRoute({
  method: 'patch',
  path: `${BASE}/connectors/{connectorId}`,
  operationId: 'integrations.updateConnector',
  summary: 'Change a connector: a credential left out is kept, null clears it, a string replaces it',
  tags: TAGS,
  'x-roles': ADMIN,
  request: {
    params: ConnectorIdParamSchema,
    body: { required: true, content: jsonContent(UpdateConnectorBodySchema) },
  },
  responses: {
    200: { description: 'Changed', content: jsonContent(ConnectorSchema) },
    ...errorResponses(...WRITE_ERRORS, 404, 409),
  },
})

export const deleteConnectorRoute = defineRoute({
  method: 'delete',
  path: `${BASE}/connectors/{connectorId}`,
  operationId: 'integrations.deleteConnector',
  summary: 'Remove a connector, its credentials and its history',
  tags: TAGS,
  'x-roles': ADMIN,
  request: { params: ConnectorIdParamSchema },
  responses: {
    204: { description: 'Removed' },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const checkConnectorRoute = defineRoute({
  method: 'post',
  path: `${BASE}/connectors/{connectorId}/check`,
  operationId: 'integrations.checkConnector',
  summary: 'Queue a check now (202); the result appears in the history and on the event stream',
  tags: TAGS,
  'x-roles': ADMIN,
  request: { params: ConnectorIdParamSchema },
  responses: {
    202: { description: 'Queued (or the check already queued)', content: jsonContent(ConnectorCheckJobSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const listConnectorChecksRoute = defineRoute({
  method: 'get',
  path: `${BASE}/connectors/{connectorId}/checks`,
  operationId: 'integrations.listChecks',
  summary: 'Check history, newest first (kept 30 days, at most 1000 per connector)',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { params: ConnectorIdParamSchema, query: ListChecksQuerySchema },
  responses: {
    200: { description: 'A page of results', content: jsonContent(CheckResultPageSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const listWebhooksRoute = defineRoute({
  method: 'get',
  path: `${BASE}/webhooks`,
  operationId: 'integrations.listWebhooks',
  summary: 'Webhook subscriptions',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  responses: {
    200: { description: 'Every subscription', content: jsonContent(WebhookListSchema) },
    ...errorResponses(401, 403, 500, 503),
  },
})

export const createWebhookRoute = defineRoute({
  method: 'post',
  path: `${BASE}/webhooks`,
  operationId: 'integrations.createWebhook',
  summary: 'Subscribe a URL to events; the signing secret is in this answer only',
  tags: TAGS,
  'x-roles': ADMIN,
  request: { body: { required: true, content: jsonContent(CreateWebhookBodySchema) } },
  responses: {
    201: { description: 'Created', content: jsonContent(WebhookWithSecretSchema) },
    ...errorResponses(...WRITE_ERRORS),
  },
})

export const getWebhookRoute = defineRoute({
  method: 'get',
  path: `${BASE}/webhooks/{webhookId}`,
  operationId: 'integrations.getWebhook',
  summary: 'One subscription',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { params: WebhookIdParamSchema },
  responses: {
    200: { description: 'The subscription', content: jsonContent(WebhookSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const updateWebhookRoute = defineRoute({
  method: 'patch',
  path: `${BASE}/webhooks/{webhookId}`,
  operationId: 'integrations.updateWebhook',
  summary: 'Change a subscription (enabling it again clears the failure count)',
  tags: TAGS,
  'x-roles': ADMIN,
  request: { params: WebhookIdParamSchema, body: { required: true, content: jsonContent(UpdateWebhookBodySchema) } },
  responses: {
    200: { description: 'Changed', content: jsonContent(WebhookSchema) },
    ...errorResponses(...WRITE_ERRORS, 404),
  },
})

export const deleteWebhookRoute = defineRoute({
  method: 'delete',
  path: `${BASE}/webhooks/{webhookId}`,
  operationId: 'integrations.deleteWebhook',
  summary: 'Remove a subscription and its deliveries',
  tags: TAGS,
  'x-roles': ADMIN,
  request: { params: WebhookIdParamSchema },
  responses: {
    204: { description: 'Removed' },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const rotateWebhookSecretRoute = defineRoute({
  method: 'post',
  path: `${BASE}/webhooks/{webhookId}/rotate-secret`,
  operationId: 'integrations.rotateWebhookSecret',
  summary: 'Replace the signing secret; the new one is in this answer only',
  tags: TAGS,
  'x-roles': ADMIN,
  request: { params: WebhookIdParamSchema },
  responses: {
    200: { description: 'Rotated', content: jsonContent(WebhookWithSecretSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const testWebhookRoute = defineRoute({
  method: 'post',
  path: `${BASE}/webhooks/{webhookId}/test`,
  operationId: 'integrations.testWebhook',
  summary: 'Queue a webhook.test event to this subscription',
  tags: TAGS,
  'x-roles': ADMIN,
  request: { params: WebhookIdParamSchema },
  responses: {
    202: { description: 'Queued', content: jsonContent(DeliverySchema) },
    ...errorResponses(401, 403, 404, 409, 422, 500, 503),
  },
})

export const listWebhookDeliveriesRoute = defineRoute({
  method: 'get',
  path: `${BASE}/webhooks/{webhookId}/deliveries`,
  operationId: 'integrations.listDeliveries',
  summary: 'Deliveries of a subscription, newest first',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { params: WebhookIdParamSchema, query: ListDeliveriesQuerySchema },
  responses: {
    200: { description: 'A page of deliveries', content: jsonContent(DeliveryPageSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const getDeliveryRoute = defineRoute({
  method: 'get',
  path: `${BASE}/deliveries/{deliveryId}`,
  operationId: 'integrations.getDelivery',
  summary: 'One delivery with its payload and every attempt',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { params: DeliveryIdParamSchema },
  responses: {
    200: { description: 'The delivery', content: jsonContent(DeliveryDetailSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const replayDeliveryRoute = defineRoute({
  method: 'post',
  path: `${BASE}/deliveries/{deliveryId}/replay`,
  operationId: 'integrations.replayDelivery',
  summary: 'Send a delivery again: a new delivery with the same payload and a new webhook-id',
  tags: TAGS,
  'x-roles': ADMIN,
  request: { params: DeliveryIdParamSchema },
  responses: {
    202: { description: 'Queued', content: jsonContent(DeliverySchema) },
    ...errorResponses(401, 403, 404, 409, 422, 500, 503),
  },
})

export const integrationEventsRoute = defineRoute({
  method: 'get',
  path: `${BASE}/events`,
  operationId: 'integrations.events',
  summary: 'Live updates as server-sent events (`connector` status changes, `delivery` updates)',
  description:
    'Each event\u2019s data is an IntegrationEvent. A comment line is sent every 15 s. At most ' +
    'TG_MAX_STREAMS_PER_PRINCIPAL live streams per user or key and process (429 after).' +
    LIVE_STREAM_DESCRIPTION,
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { query: z.object(LiveStreamQueryShape) },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
    ...errorResponses(401, 403, 422, 429, 500, 503),
  },
})

export const connectorRoutes = [
  listConnectorsRoute,
  createConnectorRoute,
  getConnectorRoute,
  updateConnectorRoute,
  deleteConnectorRoute,
  checkConnectorRoute,
  listConnectorChecksRoute,
] as const

export const webhookRoutes = [
  listWebhooksRoute,
  createWebhookRoute,
  getWebhookRoute,
  updateWebhookRoute,
  deleteWebhookRoute,
  rotateWebhookSecretRoute,
  testWebhookRoute,
  listWebhookDeliveriesRoute,
  getDeliveryRoute,
  replayDeliveryRoute,
] as const

export const integrationsRoutes = [...connectorRoutes, ...webhookRoutes, integrationEventsRoute] as const
