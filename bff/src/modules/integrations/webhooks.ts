import { randomBytes, randomUUID } from 'node:crypto'
import { isIP } from 'node:net'
import { and, asc, desc, eq, sql } from 'drizzle-orm'
import type {
  CreateWebhookBody,
  Delivery,
  DeliveryDetail,
  DeliveryPage,
  ListDeliveriesQuery,
  UpdateWebhookBody,
  Webhook,
  WebhookPayload,
  WebhookWithSecret,
} from '@tg/contracts'
import type { Executor } from '../../db/client'
import { webhookAttempts, webhookDeliveries, webhookEvents, webhookSubscriptions } from '../../db/schema'
import { AppError, conflict } from '../../lib/errors'
import { cursorAt, decodeCursor, encodeCursor, olderThanPosition } from '../../lib/pagination'
import type { AuditContext } from '../audit/record'
import { last4, wakeWorkers, webhookSecretPurpose } from './context'
import type { IntegrationsDeps } from './context'
import { canonicalHost, refusedRange } from './egress'
import { isAllowListed } from './egress/policy'
import { newEventId, newMessageId } from './emit'
import { requireDelivery, requireWebhook, toAttempt, toDelivery, toWebhook } from './repo'

/** A Standard Webhooks secret: whsec_ and 32 random bytes in base64. */
const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`

const invalidUrl = (message: string) =>
  new AppError('VALIDATION_FAILED', 'The request is not valid.', { issues: [{ path: 'url', message }] })

/** https anywhere the guard allows; http only to hosts an admin listed; literal private addresses refused now. */
function checkWebhookUrl(deps: IntegrationsDeps, raw: string) {
  const url = new URL(raw)
  const host = canonicalHost(url.hostname)
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80
  const listed = isAllowListed(deps.settings.egress, host, port)
  if (url.username || url.password) throw invalidUrl('Put no credentials in the URL.')
  if (url.protocol === 'http:' && !listed)
    throw invalidUrl('Use https:// (http:// only for hosts an admin listed in TG_EGRESS_ALLOW_HOSTS).')
  if (!listed && isIP(host)) {
    const range = refusedRange(host)
    if (range)
      throw invalidUrl(`The address ${host} is ${range}; an admin can allow this host with TG_EGRESS_ALLOW_HOSTS.`)
  }
}

const audit = (
  deps: IntegrationsDeps,
  tx: Executor,
  ctx: AuditContext,
  action: string,
  id: string,
  details: Record<string, unknown>,
) =>
  deps.audit.record(tx, ctx, {
    action,
    resourceType: 'webhook_subscription',
    resourceId: id,
    outcome: 'success',
    details,
  })

export async function listWebhooks(deps: IntegrationsDeps): Promise<Webhook[]> {
  const rows = await deps.db.select().from(webhookSubscriptions).orderBy(asc(webhookSubscriptions.createdAt))
  return rows.map(toWebhook)
}

export async function createWebhook(
  deps: IntegrationsDeps,
  ctx: AuditContext,
  body: CreateWebhookBody,
): Promise<WebhookWithSecret> {
  checkWebhookUrl(deps, body.url)
  const id = randomUUID()
  const secret = newSecret()
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(webhookSubscriptions)
      .values({
        id,
        name: body.name,
        url: body.url,
        events: body.events,
        enabled: body.enabled,
        secretSealed: deps.sealer.seal(Buffer.from(secret, 'utf8'), webhookSecretPurpose(id)),
        secretLast4: last4(secret),
        createdBy: ctx.actor.name,
      })
      .returning()
    if (!row) throw new Error('insert returned no row')
    await audit(deps, tx, ctx, 'integrations.webhook.created', id, {
      name: row.name,
      url: row.url,
      events: row.events,
      enabled: row.enabled,
      last4: row.secretLast4,
    })
    return { webhook: toWebhook(row), secret }
  })
}

export async function updateWebhook(
  deps: IntegrationsDeps,
  ctx: AuditContext,
  id: string,
  body: UpdateWebhookBody,
): Promise<Webhook> {
  if (body.url !== undefined) checkWebhookUrl(deps, body.url)
  return deps.db.transaction(async (tx) => {
    const row = await requireWebhook(tx, id, true)
    const reEnabled = body.enabled === true && !row.enabled
    const [updated] = await tx
      .update(webhookSubscriptions)
      .set({
        name: body.name ?? row.name,
        url: body.url ?? row.url,
        events: body.events ?? row.events,
        enabled: body.enabled ?? row.enabled,
        ...(reEnabled ? { disabledReason: null, consecutiveDead: 0 } : {}),
        updatedAt: sql`now()`,
      })
      .where(eq(webhookSubscriptions.id, id))
      .returning()
    if (!updated) throw new Error('update returned no row')
    const changes = Object.fromEntries(
      Object.entries(body).filter(
        ([k, v]) => v !== undefined && JSON.stringify(v) !== JSON.stringify(row[k as keyof typeof row]),
      ),
    )
    await audit(deps, tx, ctx, 'integrations.webhook.updated', id, { name: updated.name, changes })
    if (reEnabled) await wakeWorkers(deps, tx, 'deliveries')
    return toWebhook(updated)
  })
}

export async function deleteWebhook(deps: IntegrationsDeps, ctx: AuditContext, id: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const row = await requireWebhook(tx, id, true)
    await tx.delete(webhookSubscriptions).where(eq(webhookSubscriptions.id, id))
    await audit(deps, tx, ctx, 'integrations.webhook.deleted', id, { name: row.name, url: row.url })
  })
}

export async function rotateWebhookSecret(
  deps: IntegrationsDeps,
  ctx: AuditContext,
  id: string,
): Promise<WebhookWithSecret> {
  const secret = newSecret()
  return deps.db.transaction(async (tx) => {
    const row = await requireWebhook(tx, id, true)
    const [updated] = await tx
      .update(webhookSubscriptions)
      .set({
        secretSealed: deps.sealer.seal(Buffer.from(secret, 'utf8'), webhookSecretPurpose(id)),
        secretLast4: last4(secret),
        secretSetAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(eq(webhookSubscriptions.id, id))
      .returning()
    if (!updated) throw new Error('update returned no row')
    await audit(deps, tx, ctx, 'integrations.webhook.secret_rotated', id, {
      name: row.name,
      previousLast4: row.secretLast4,
      last4: updated.secretLast4,
    })
    return { webhook: toWebhook(updated), secret }
  })
}

const disabled = (name: string) => conflict(`The webhook "${name}" is disabled: enable it first.`, { field: 'enabled' })

export async function sendTestEvent(deps: IntegrationsDeps, ctx: AuditContext, id: string): Promise<Delivery> {
  return deps.db.transaction(async (tx) => {
    const row = await requireWebhook(tx, id, true)
    if (!row.enabled) throw disabled(row.name)
    const eventId = newEventId()
    const payload: WebhookPayload = {
      id: eventId,
      type: 'webhook.test',
      timestamp: new Date().toISOString(),
      data: { resource: { webhookId: id, name: row.name, message: 'A test event sent from the console.' } },
    }
    await tx.insert(webhookEvents).values({ id: eventId, type: payload.type, payload })
    const [delivery] = await tx
      .insert(webhookDeliveries)
      .values({ subscriptionId: id, eventId, messageId: newMessageId() })
      .returning()
    if (!delivery) throw new Error('insert returned no row')
    await audit(deps, tx, ctx, 'integrations.webhook.test_sent', id, { name: row.name, deliveryId: delivery.id })
    await wakeWorkers(deps, tx, 'deliveries')
    return toDelivery(delivery, payload.type)
  })
}

export async function replayDelivery(deps: IntegrationsDeps, ctx: AuditContext, deliveryId: string): Promise<Delivery> {
  return deps.db.transaction(async (tx) => {
    const original = await requireDelivery(tx, deliveryId)
    const sub = await requireWebhook(tx, original.d.subscriptionId, true)
    if (!sub.enabled) throw disabled(sub.name)
    const [delivery] = await tx
      .insert(webhookDeliveries)
      .values({ subscriptionId: sub.id, eventId: original.d.eventId, messageId: newMessageId(), replayOf: deliveryId })
      .returning()
    if (!delivery) throw new Error('insert returned no row')
    await deps.audit.record(tx, ctx, {
      action: 'integrations.delivery.replayed',
      resourceType: 'webhook_delivery',
      resourceId: delivery.id,
      outcome: 'success',
      details: { replayOf: deliveryId, webhookId: sub.id, eventId: original.d.eventId, eventType: original.type },
    })
    await wakeWorkers(deps, tx, 'deliveries')
    return toDelivery(delivery, original.type)
  })
}

export async function listDeliveries(
  deps: IntegrationsDeps,
  webhookId: string,
  query: ListDeliveriesQuery,
): Promise<DeliveryPage> {
  await requireWebhook(deps.db, webhookId)
  const d = webhookDeliveries
  const after = query.cursor ? decodeCursor(query.cursor) : null
  const rows = await deps.db
    .select({ d, type: webhookEvents.type, cursorAt: cursorAt(d.createdAt) })
    .from(d)
    .innerJoin(webhookEvents, eq(webhookEvents.id, d.eventId))
    .where(
      and(
        eq(d.subscriptionId, webhookId),
        query.status ? eq(d.status, query.status) : undefined,
        after ? olderThanPosition(d.createdAt, d.id, after) : undefined,
      ),
    )
    .orderBy(desc(d.createdAt), desc(d.id))
    .limit(query.limit + 1)
  const page = rows.slice(0, query.limit)
  const last = page.at(-1)
  return {
    items: page.map((r) => toDelivery(r.d, r.type)),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.cursorAt, last.d.id) : null,
  }
}

export async function getDelivery(deps: IntegrationsDeps, deliveryId: string): Promise<DeliveryDetail> {
  const row = await requireDelivery(deps.db, deliveryId)
  const attempts = await deps.db
    .select()
    .from(webhookAttempts)
    .where(eq(webhookAttempts.deliveryId, deliveryId))
    .orderBy(asc(webhookAttempts.number))
  return { ...toDelivery(row.d, row.type), payload: row.payload as WebhookPayload, attemptLog: attempts.map(toAttempt) }
}
