// The integrations module's interface, bound to its use cases (one file each), and its workers.
import type { LiveFeed } from '../../lib/event-stream'
import { eq, sql } from 'drizzle-orm'
import type {
  CheckResultPage,
  ComponentHealth,
  Connector,
  ConnectorCheckJob,
  CreateConnectorBody,
  CreateWebhookBody,
  Delivery,
  DeliveryDetail,
  DeliveryPage,
  IntegrationEvent,
  ListChecksQuery,
  ListDeliveriesQuery,
  UpdateConnectorBody,
  UpdateWebhookBody,
  Webhook,
  WebhookWithSecret,
} from '@tg/contracts'
import { integrationConnectors, webhookDeliveries } from '../../db/schema'
import { decodeCursor, encodeCursor } from '../../lib/pagination'
import type { AuditContext } from '../audit/record'
import { claimChecks, runCheckJob, scheduleDueChecks, workerId } from './checks'
import { createConnector, deleteConnector, requestCheck, updateConnector } from './connectors'
import { INTEGRATIONS_CHANNEL, WORK_CHANNEL } from './context'
import type { IntegrationsDeps } from './context'
import { claimDeliveries, sendDelivery } from './deliveries'
import { checkHistory, listConnectorRows, loadConnector, requireConnector, toCheckResult } from './repo'
import {
  createWebhook,
  deleteWebhook,
  getDelivery,
  listDeliveries,
  listWebhooks,
  replayDelivery,
  rotateWebhookSecret,
  sendTestEvent,
  updateWebhook,
} from './webhooks'
import { requireWebhook, toWebhook } from './repo'

export interface IntegrationsService {
  listConnectors(): Promise<Connector[]>
  createConnector(ctx: AuditContext, body: CreateConnectorBody): Promise<Connector>
  getConnector(id: string): Promise<Connector>
  updateConnector(ctx: AuditContext, id: string, body: UpdateConnectorBody): Promise<Connector>
  deleteConnector(ctx: AuditContext, id: string): Promise<void>
  requestCheck(ctx: AuditContext, id: string): Promise<ConnectorCheckJob>
  listChecks(id: string, query: ListChecksQuery): Promise<CheckResultPage>
  listWebhooks(): Promise<Webhook[]>
  createWebhook(ctx: AuditContext, body: CreateWebhookBody): Promise<WebhookWithSecret>
  getWebhook(id: string): Promise<Webhook>
  updateWebhook(ctx: AuditContext, id: string, body: UpdateWebhookBody): Promise<Webhook>
  deleteWebhook(ctx: AuditContext, id: string): Promise<void>
  rotateWebhookSecret(ctx: AuditContext, id: string): Promise<WebhookWithSecret>
  sendTestEvent(ctx: AuditContext, id: string): Promise<Delivery>
  listDeliveries(webhookId: string, query: ListDeliveriesQuery): Promise<DeliveryPage>
  getDelivery(id: string): Promise<DeliveryDetail>
  replayDelivery(ctx: AuditContext, id: string): Promise<Delivery>
  subscribe(onEvent: (event: IntegrationEvent) => void): Promise<() => void>
  /** The live events of a stream, from the durable log. */
  feed(): LiveFeed<IntegrationEvent>
  /** Queues due scheduled checks and runs every queued check; the number run. */
  runChecks(): Promise<number>
  /** Sends every due delivery; the number of attempts made. */
  runDeliveries(): Promise<number>
  /** Starts the workers (poll + wake-ups); returns the way to stop them, which waits for work in flight. */
  start(): Promise<() => Promise<void>>
  health(): Promise<ComponentHealth>
  readonly closed: AbortSignal
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`

export function createIntegrationsService(deps: IntegrationsDeps): IntegrationsService {
  const { db } = deps
  const token = workerId()

  async function runChecks() {
    await scheduleDueChecks(deps)
    let total = 0
    for (;;) {
      const jobs = await claimChecks(deps, token)
      if (jobs.length === 0) return total
      await Promise.all(jobs.map((job) => runCheckJob(deps, token, job)))
      total += jobs.length
    }
  }

  async function runDeliveries() {
    let total = 0
    for (;;) {
      const ids = await claimDeliveries(deps, token)
      if (ids.length === 0) return total
      await Promise.all(ids.map((id) => sendDelivery(deps, token, id)))
      total += ids.length
    }
  }

  /** Runs a loop body once at a time; a wake-up while it runs makes it run again after. */
  function serial(name: string, body: () => Promise<number>) {
    let running: Promise<void> | null = null
    let again = false
    const kick = (): void => {
      if (running) {
        again = true
        return
      }
      running = body()
        .then(() => undefined)
        .catch((err: unknown) =>
          deps.log.warn({ err }, `integrations ${name} worker failed; retrying at the next poll`),
        )
        .finally(() => {
          running = null
          if (again) {
            again = false
            kick()
          }
        })
    }
    return { kick, idle: async () => running ?? undefined }
  }

  return {
    listConnectors: () => listConnectorRows(db),
    createConnector: (ctx, body) => createConnector(deps, ctx, body),
    getConnector: async (id) => loadConnector(db, await requireConnector(db, id)),
    updateConnector: (ctx, id, body) => updateConnector(deps, ctx, id, body),
    deleteConnector: (ctx, id) => deleteConnector(deps, ctx, id),
    requestCheck: (ctx, id) => requestCheck(deps, ctx, id),
    async listChecks(id, query) {
      await requireConnector(db, id)
      const after = query.cursor ? decodeCursor(query.cursor) : null
      const rows = await checkHistory(db, id, query.limit, after, query.since ? new Date(query.since) : undefined)
      const page = rows.slice(0, query.limit)
      const last = page.at(-1)
      return {
        items: page.map((row) => toCheckResult(row.r)),
        nextCursor: rows.length > query.limit && last ? encodeCursor(last.cursorAt, last.r.id) : null,
      }
    },
    listWebhooks: () => listWebhooks(deps),
    createWebhook: (ctx, body) => createWebhook(deps, ctx, body),
    getWebhook: async (id) => toWebhook(await requireWebhook(db, id)),
    updateWebhook: (ctx, id, body) => updateWebhook(deps, ctx, id, body),
    deleteWebhook: (ctx, id) => deleteWebhook(deps, ctx, id),
    rotateWebhookSecret: (ctx, id) => rotateWebhookSecret(deps, ctx, id),
    sendTestEvent: (ctx, id) => sendTestEvent(deps, ctx, id),
    listDeliveries: (webhookId, query) => listDeliveries(deps, webhookId, query),
    getDelivery: (id) => getDelivery(deps, id),
    replayDelivery: (ctx, id) => replayDelivery(deps, ctx, id),

    subscribe: (onEvent) =>
      deps.events.subscribe(INTEGRATIONS_CHANNEL, (payload) => onEvent(JSON.parse(payload) as IntegrationEvent)),
    feed: () => ({ bus: deps.events, channel: INTEGRATIONS_CHANNEL, select: (payload) => payload as IntegrationEvent }),
    closed: deps.events.closed,
    runChecks,
    runDeliveries,

    async start() {
      const checks = serial('check', runChecks)
      const deliveries = serial('delivery', runDeliveries)
      const kickAll = () => {
        checks.kick()
        deliveries.kick()
      }
      const unsubscribe = await deps.events.subscribe(WORK_CHANNEL, (what) => {
        if (what === 'checks') checks.kick()
        else if (what === 'deliveries') deliveries.kick()
        else kickAll()
      })
      const timer = setInterval(kickAll, deps.settings.pollMs)
      timer.unref()
      kickAll()
      return async () => {
        clearInterval(timer)
        unsubscribe()
        await Promise.all([checks.idle(), deliveries.idle()])
      }
    },

    async health() {
      const started = performance.now()
      const [c] = await db
        .select({
          total: sql<number>`count(*)::int`,
          unhealthy: sql<number>`count(*) filter (where ${integrationConnectors.status} = 'unhealthy')::int`,
        })
        .from(integrationConnectors)
      const [d] = await db
        .select({ pending: sql<number>`count(*)::int` })
        .from(webhookDeliveries)
        .where(sql`${webhookDeliveries.status} in ('pending', 'failed', 'delivering')`)
      const [dead] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.status, 'dead'))
      return {
        name: 'integrations',
        label: 'Integrations',
        kind: 'module',
        status: 'ok',
        message: `${plural(c?.total ?? 0, 'connector')}, ${c?.unhealthy ?? 0} unhealthy; webhook deliveries: ${d?.pending ?? 0} queued, ${dead?.n ?? 0} dead`,
        latencyMs: Math.round((performance.now() - started) * 100) / 100,
      }
    },
  }
}
