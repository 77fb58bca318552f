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
import { streamSSE } from 'hono/streaming'
import type { GuardOptions } from '../../lib/guard'
import { createRouter } from '../../lib/router'
import type { StreamLimiter } from '../../lib/stream-limit'
import { auditContextOf } from '../audit/record'
import type { IntegrationsService } from './service'

const HEARTBEAT_MS = 15_000

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

  app.register(integrationEventsRoute, async (c) => {
    const release = streams.acquire(c.var.principal) // 429 past TG_MAX_STREAMS_PER_PRINCIPAL
    const queue: IntegrationEvent[] = []
    let wake: (() => void) | null = null
    const unsubscribe = await s
      .subscribe((event) => {
        queue.push(event)
        wake?.()
      })
      .catch((err: unknown) => {
        release()
        throw err
      })
    c.header('Cache-Control', 'no-store')
    c.header('X-Accel-Buffering', 'no')
    return streamSSE(c, async (stream) => {
      let isOpen = true
      const end = () => {
        isOpen = false
        release()
        wake?.()
      }
      stream.onAbort(end)
      if (stream.aborted) end()
      s.closed.addEventListener('abort', end, { once: true })
      if (s.closed.aborted) end()
      try {
        await stream.writeSSE({ event: 'ready', data: '{}' })
        while (isOpen) {
          const event = queue.shift()
          if (event) {
            await stream.writeSSE({ event: event.type, data: JSON.stringify(event) })
            continue
          }
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, HEARTBEAT_MS)
            wake = () => {
              clearTimeout(timer)
              resolve()
            }
          })
          wake = null
          if (isOpen && queue.length === 0) await stream.write(': keep-alive\n\n')
        }
      } finally {
        s.closed.removeEventListener('abort', end)
        unsubscribe()
        release()
      }
    }) as never
  })

  return app
}
