import {
  checkConnectorRoute,
  createConnectorRoute,
  createWebhookRoute,
  deleteConnectorRoute,
  deleteWebhookRoute,
  getConnectorRoute,
  getDeliveryRoute,
  getWebhookRoute,
  integrationEventsRoute,
  listConnectorChecksRoute,
  listConnectorsRoute,
  listWebhookDeliveriesRoute,
  listWebhooksRoute,
  replayDeliveryRoute,
  rotateWebhookSecretRoute,
  testWebhookRoute,
  updateConnectorRoute,
  updateWebhookRoute,
} from '@tg/contracts'
import type { IntegrationEvent, UpdateConnectorBody } from '@tg/contracts'
import { streamEvents } from '../../lib/event-stream'
import type { GuardOptions } from '../../lib/guard'
import { createRouter } from '../../lib/router'
import type { StreamLimiter } from '../../lib/stream-limit'
import { auditContextOf } from '../audit/record'
import type { IntegrationsService } from './service'

export function createIntegrationsRoutes({
  integrations,
  guard,
  streams,
}: {
  integrations: IntegrationsService
  guard: GuardOptions
  streams: StreamLimiter
}) {
  const app = createRouter(guard)
  const s = integrations

  app.register(listConnectorsRoute, async (c) => c.json({ items: await s.listConnectors() }, 200))
  app.register(createConnectorRoute, async (c) =>
    c.json(await s.createConnector(auditContextOf(c), c.req.valid('json')), 201),
  )
  app.register(getConnectorRoute, async (c) => c.json(await s.getConnector(c.req.valid('param').connectorId), 200))
  app.register(updateConnectorRoute, async (c) =>
    c.json(
      await s.updateConnector(
        auditContextOf(c),
        c.req.valid('param').connectorId,
        c.req.valid('json') as UpdateConnectorBody,
      ),
      200,
    ),
  )
  app.register(deleteConnectorRoute, async (c) => {
    await s.deleteConnector(auditContextOf(c), c.req.valid('param').connectorId)
    return c.body(null, 204)
  })
  app.register(checkConnectorRoute, async (c) =>
    c.json(await s.requestCheck(auditContextOf(c), c.req.valid('param').connectorId), 202),
  )
  app.register(listConnectorChecksRoute, async (c) =>
    c.json(await s.listChecks(c.req.valid('param').connectorId, c.req.valid('query')), 200),
  )

  app.register(listWebhooksRoute, async (c) => c.json({ items: await s.listWebhooks() }, 200))
  app.register(createWebhookRoute, async (c) =>
    c.json(await s.createWebhook(auditContextOf(c), c.req.valid('json')), 201),
  )
  app.register(getWebhookRoute, async (c) => c.json(await s.getWebhook(c.req.valid('param').webhookId), 200))
  app.register(updateWebhookRoute, async (c) =>
    c.json(await s.updateWebhook(auditContextOf(c), c.req.valid('param').webhookId, c.req.valid('json')), 200),
  )
  app.register(deleteWebhookRoute, async (c) => {
    await s.deleteWebhook(auditContextOf(c), c.req.valid('param').webhookId)
    return c.body(null, 204)
  })
  app.register(rotateWebhookSecretRoute, async (c) =>
    c.json(await s.rotateWebhookSecret(auditContextOf(c), c.req.valid('param').webhookId), 200),
  )
  app.register(testWebhookRoute, async (c) =>
    c.json(await s.sendTestEvent(auditContextOf(c), c.req.valid('param').webhookId), 202),
  )
  app.register(listWebhookDeliveriesRoute, async (c) =>
    c.json(await s.listDeliveries(c.req.valid('param').webhookId, c.req.valid('query')), 200),
  )
  app.register(getDeliveryRoute, async (c) => c.json(await s.getDelivery(c.req.valid('param').deliveryId), 200))
  app.register(replayDeliveryRoute, async (c) =>
    c.json(await s.replayDelivery(auditContextOf(c), c.req.valid('param').deliveryId), 202),
  )

  app.register(integrationEventsRoute, async (c) =>
    streamEvents<IntegrationEvent>(c, { streams, feed: s.feed(), lastEventId: c.req.valid('query').lastEventId }),
  )

  return app
}
