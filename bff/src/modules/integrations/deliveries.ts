import { and, eq, sql } from 'drizzle-orm'
import { Webhook } from 'standardwebhooks'
import type { WebhookPayload } from '@tg/contracts'
import { webhookAttempts, webhookDeliveries, webhookEvents, webhookSubscriptions } from '../../db/schema'
import { SERVER_ACTOR } from '../audit/record'
import { publish, webhookSecretPurpose } from './context'
import type { IntegrationsDeps } from './context'
import { EgressError, egressFetch } from './egress'
import type { DeliveryRow } from './repo'

type Rows<T> = { rows: T[] }

const DELIVERIES_PER_CLAIM = 16
const SNIPPET_BYTES = 1024

/** Full jitter: a random delay up to base * 2^(attempts - 1), never past the retry window's end. */
export function nextDelayMs(base: number, attempts: number, leftMs: number, random = Math.random): number {
  const ceiling = base * 2 ** Math.min(Math.max(attempts - 1, 0), 30)
  return Math.max(0, Math.min(leftMs, Math.floor(random() * ceiling)))
}

/**
 * Claims due deliveries of enabled subscriptions (and ones whose worker died mid-attempt: lease
 * expired). SKIP LOCKED lets replicas share the queue without sending one delivery twice at once.
 */
export async function claimDeliveries(deps: IntegrationsDeps, token: string, limit = DELIVERIES_PER_CLAIM) {
  const leaseMs = deps.settings.deliveryTimeoutMs + 5_000
  const d = webhookDeliveries
  const result = (await deps.db.execute(sql`
    update ${d} set status = 'delivering', claimed_by = ${token},
      claim_expires_at = now() + ${leaseMs} * interval '1 millisecond'
    where id in (
      select id from ${d}
      where ((status in ('pending', 'failed') and next_attempt_at <= now())
          or (status = 'delivering' and claim_expires_at < now()))
        and subscription_id in (select id from ${webhookSubscriptions} where enabled)
      order by next_attempt_at
      limit ${limit}
      for update skip locked
    )
    returning id`)) as unknown as Rows<{ id: string }>
  return result.rows.map((r) => r.id)
}

/** Sends one claimed delivery and records the attempt. */
export async function sendDelivery(deps: IntegrationsDeps, token: string, deliveryId: string): Promise<void> {
  const [row] = await deps.db
    .select({ d: webhookDeliveries, s: webhookSubscriptions, payload: webhookEvents.payload })
    .from(webhookDeliveries)
    .innerJoin(webhookSubscriptions, eq(webhookSubscriptions.id, webhookDeliveries.subscriptionId))
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.claimedBy, token)))
  if (!row) return
  const body = JSON.stringify(row.payload as WebhookPayload)
  const startedAt = new Date()
  const started = performance.now()
  let statusCode: number | null = null
  let snippet: string | null = null
  let error: string | null = null
  try {
    const secret = deps.sealer.open(row.s.secretSealed, webhookSecretPurpose(row.s.id)).toString('utf8')
    const signature = new Webhook(secret).sign(row.d.messageId, startedAt, body)
    const res = await egressFetch(
      row.s.url,
      {
        method: 'POST',
        body,
        timeoutMs: deps.settings.deliveryTimeoutMs,
        maxRedirects: 0,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'TensorGuardFlow-Webhooks/1',
          'webhook-id': row.d.messageId,
          'webhook-timestamp': String(Math.floor(startedAt.getTime() / 1000)),
          'webhook-signature': signature,
        },
      },
      {
        policy: { ...deps.settings.egress, maxBytes: Math.min(deps.settings.egress.maxBytes, 64 * 1024) },
        lookup: deps.lookup,
      },
    )
    statusCode = res.status
    snippet = res.body.subarray(0, SNIPPET_BYTES).toString('utf8')
    if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`
  } catch (err) {
    error = err instanceof EgressError ? err.message : 'the delivery could not be sent'
    if (!(err instanceof EgressError)) deps.log.warn({ err, deliveryId }, 'webhook delivery failed unexpectedly')
  }
  const latencyMs = Math.round(performance.now() - started)
  await finishDelivery(deps, token, row.d, { startedAt, statusCode, snippet, error, latencyMs })
}

async function finishDelivery(
  deps: IntegrationsDeps,
  token: string,
  d: DeliveryRow,
  a: { startedAt: Date; statusCode: number | null; snippet: string | null; error: string | null; latencyMs: number },
) {
  const succeeded = a.error === null
  const attempts = d.attempts + 1
  await deps.db.transaction(async (tx) => {
    // Still ours? (A lease that ran out may have given it to another worker.)
    const [current] = await tx
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.id, d.id), eq(webhookDeliveries.claimedBy, token)))
      .for('update')
    if (!current || current.status !== 'delivering') return
    await tx.insert(webhookAttempts).values({
      deliveryId: d.id,
      number: attempts,
      startedAt: a.startedAt,
      statusCode: a.statusCode,
      latencyMs: a.latencyMs,
      responseSnippet: a.snippet,
      error: a.error,
      succeeded,
    })
    let status: DeliveryRow['status']
    if (succeeded) {
      status = 'succeeded'
      await tx
        .update(webhookDeliveries)
        .set({
          status,
          attempts,
          deliveredAt: sql`now()`,
          lastStatusCode: a.statusCode,
          lastError: null,
          claimedBy: null,
          claimExpiresAt: null,
        })
        .where(eq(webhookDeliveries.id, d.id))
      // Only when there is a count to reset: the common case takes no lock on the subscription row.
      await tx
        .update(webhookSubscriptions)
        .set({ consecutiveDead: 0 })
        .where(and(eq(webhookSubscriptions.id, d.subscriptionId), sql`${webhookSubscriptions.consecutiveDead} <> 0`))
    } else {
      const ageMs = Date.now() - current.createdAt.getTime()
      const leftMs = deps.settings.retryWindowMs - ageMs
      status = leftMs <= 0 ? 'dead' : 'failed'
      const delay = status === 'failed' ? nextDelayMs(deps.settings.retryBaseMs, attempts, leftMs) : 0
      await tx
        .update(webhookDeliveries)
        .set({
          status,
          attempts,
          lastStatusCode: a.statusCode,
          lastError: a.error,
          nextAttemptAt: status === 'failed' ? new Date(Date.now() + delay) : null,
          claimedBy: null,
          claimExpiresAt: null,
        })
        .where(eq(webhookDeliveries.id, d.id))
      if (status === 'dead') {
        const [sub] = await tx
          .update(webhookSubscriptions)
          .set({ consecutiveDead: sql`${webhookSubscriptions.consecutiveDead} + 1` })
          .where(eq(webhookSubscriptions.id, d.subscriptionId))
          .returning()
        if (sub && sub.enabled && sub.consecutiveDead >= deps.settings.disableAfter) {
          const reason = `Disabled after ${sub.consecutiveDead} deliveries in a row failed for longer than the retry window (last: ${a.error}).`
          await tx
            .update(webhookSubscriptions)
            .set({ enabled: false, disabledReason: reason, updatedAt: sql`now()` })
            .where(eq(webhookSubscriptions.id, sub.id))
          await deps.audit.record(
            tx,
            { actor: SERVER_ACTOR, requestId: null, clientIp: null },
            {
              action: 'integrations.webhook.disabled',
              resourceType: 'webhook_subscription',
              resourceId: sub.id,
              outcome: 'success',
              details: { name: sub.name, consecutiveDead: sub.consecutiveDead, lastError: a.error },
            },
          )
        }
      }
    }
    await publish(deps, tx, { type: 'delivery', deliveryId: d.id, subscriptionId: d.subscriptionId, status })
  })
}
