import { z } from 'zod'

/**
 * Live event streams (server-sent events). Every event carries its position in the server's
 * durable event log as its SSE `id`; a console that reconnects sends it back as the
 * `Last-Event-ID` header (EventSource does so by itself) or the `lastEventId` query parameter,
 * and gets every event after it. When the id is older than the log keeps, or unknown, the stream
 * sends a `reload` event (`LiveReload`) and continues from now: the console must reload its data.
 */
export const LiveEventIdSchema = z
  .string()
  .regex(/^(0|[1-9]\d{0,19})(-(0|[1-9]\d{0,19}))?$/)
  .meta({
    description:
      'An event id of this stream, as sent in the SSE `id` field (`<transaction>-<sequence>`; a tree size for the audit stream).',
  })

/** The query parameter of every live stream route. */
export const LiveStreamQueryShape = {
  lastEventId: LiveEventIdSchema.optional().meta({
    description:
      'Resume after this event id (the `Last-Event-ID` header wins when both are sent). Every event after it ' +
      'is sent first; an id older than the server keeps (TG_LIVE_EVENT_RETENTION_SECONDS) gives a `reload` event.',
  }),
}

export const LIVE_RELOAD_EVENT = 'reload'

/** Data of the `reload` event: the events after the console's last one cannot all be replayed. */
export const LiveReloadSchema = z
  .object({
    reason: z.enum(['too_old', 'unknown']).meta({
      description: '`too_old`: older than the log keeps; `unknown`: not an id of this server\u2019s log.',
    }),
  })
  .meta({ id: 'LiveReload' })
export type LiveReload = z.infer<typeof LiveReloadSchema>

export const LIVE_STREAM_DESCRIPTION =
  ' Each event carries its id (SSE `id`); reconnect with `Last-Event-ID` (or `lastEventId`) to get every ' +
  'event missed, or a `reload` event (LiveReload) when they are older than the server keeps.'
