import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import type { WebhookEventType, WebhookPayload } from '@tg/contracts'
import type { Executor } from '../../db/client'
import { webhookDeliveries, webhookEvents, webhookSubscriptions } from '../../db/schema'
import { WORK_CHANNEL } from './context'

type Rows<T> = { rows: T[] }

export const newEventId = () => `evt_${randomUUID().replace(/-/g, '')}`
export const newMessageId = () => `msg_${randomUUID().replace(/-/g, '')}`

/**
 * Queues an event for every enabled subscription to its type, inside the producer's own
 * transaction: the event and its deliveries commit (and are sent) only if the change does.
 * One statement; the workers are woken by a NOTIFY that is delivered at commit.
 */
export async function emit(
  tx: Executor,
  type: WebhookEventType,
  resource: Record<string, unknown>,
): Promise<{ eventId: string; deliveries: number }> {
  const eventId = newEventId()
  const payload: WebhookPayload = { id: eventId, type, timestamp: new Date().toISOString(), data: { resource } }
  const result = (await tx.execute(sql`
    with ev as (
      insert into ${webhookEvents} (id, type, payload) values (${eventId}, ${type}, ${JSON.stringify(payload)}::jsonb) returning id
    ), d as (
      insert into ${webhookDeliveries} (subscription_id, event_id, message_id)
      select s.id, (select id from ev), 'msg_' || replace(gen_random_uuid()::text, '-', '')
      from ${webhookSubscriptions} s where s.enabled and ${type} = any(s.events)
      returning 1
    )
    select count(*)::int as n from d`)) as unknown as Rows<{ n: number }>
  const deliveries = Number(result.rows[0]?.n ?? 0)
  if (deliveries > 0) await tx.execute(sql`select pg_notify(${WORK_CHANNEL}, 'deliveries')`)
  return { eventId, deliveries }
}
