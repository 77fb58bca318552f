// The webhook form's logic: the events offered come from the contract's enum, the rules from its
// schemas, and an edit sends only what changed.
import { CreateWebhookBodySchema, WEBHOOK_EVENT_LABELS, WEBHOOK_EVENT_TYPES } from '@tg/contracts'
import type { CreateWebhookBody, UpdateWebhookBody, Webhook, WebhookEventType } from '@tg/contracts'

export type WebhookFormState = { name: string; url: string; events: WebhookEventType[]; enabled: boolean }

export const WEBHOOK_FIELDS = ['name', 'url', 'events'] as const

/** The events a subscription can choose; `webhook.test` is sent by "Send test event" whatever it chose. */
export const SUBSCRIBABLE_EVENTS = WEBHOOK_EVENT_TYPES.filter((type) => type !== 'webhook.test').map((type) => ({
  value: type,
  label: WEBHOOK_EVENT_LABELS[type],
}))

export function initialWebhookState(webhook: Webhook | null): WebhookFormState {
  return {
    name: webhook?.name ?? '',
    url: webhook?.url ?? '',
    events: [...(webhook?.events ?? [])],
    enabled: webhook?.enabled ?? true,
  }
}

/** Events in the contract's order, whatever order they were ticked in. */
function ordered(events: readonly WebhookEventType[]): WebhookEventType[] {
  return WEBHOOK_EVENT_TYPES.filter((type) => events.includes(type))
}

export function webhookCreateBodyOf(state: WebhookFormState): CreateWebhookBody {
  return { name: state.name.trim(), url: state.url.trim(), events: ordered(state.events), enabled: state.enabled }
}

/** Only what differs from `webhook`. */
export function webhookPatchOf(state: WebhookFormState, webhook: Webhook): UpdateWebhookBody {
  const body: UpdateWebhookBody = {}
  const next = webhookCreateBodyOf(state)
  if (next.name !== webhook.name) body.name = next.name
  if (next.url !== webhook.url) body.url = next.url
  if (next.events.join() !== ordered(webhook.events).join()) body.events = next.events
  if (next.enabled !== webhook.enabled) body.enabled = next.enabled
  return body
}

/** The first problem of each field under the contract's create schema; empty when valid. */
export function webhookFieldErrors(state: WebhookFormState): Record<string, string> {
  const result = CreateWebhookBodySchema.safeParse(webhookCreateBodyOf(state))
  const out: Record<string, string> = {}
  if (!result.success)
    for (const issue of result.error.issues) {
      const field = String(issue.path[0] ?? '')
      out[field] ??= issue.message
    }
  return out
}

/** "Release promoted, Package verified" for a table cell. */
export function describeEvents(events: readonly WebhookEventType[]): string {
  return ordered(events)
    .map((type) => WEBHOOK_EVENT_LABELS[type])
    .join(', ')
}
