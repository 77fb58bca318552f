import { z } from 'zod'
import { errorResponses } from '../common/errors'
import { LIVE_STREAM_DESCRIPTION, LiveStreamQueryShape } from '../common/live'
import { defineRoute } from '../common/route'

/**
 * Entries `fromSeq` to `toSeq` (inclusive) were appended to the log. The event's id is the tree
 * size after them, so a console that reconnects gets one `entries` event for everything it
 * missed: the log itself keeps every entry, and the id is meaningful on every replica.
 */
export const AuditEventSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('entries'), fromSeq: z.number().int().min(0), toSeq: z.number().int().min(0) }),
  ])
  .meta({ id: 'AuditEvent' })
export type AuditEvent = z.infer<typeof AuditEventSchema>

export const auditEventsRoute = defineRoute({
  method: 'get',
  path: '/api/v1/audit/events',
  operationId: 'audit.events',
  summary: 'Live updates as server-sent events (`entries` appended to the log), from every replica',
  description:
    'Each event\u2019s data is an AuditEvent; its id is the tree size after it. A comment line is sent every 15 s. ' +
    'At most TG_MAX_STREAMS_PER_PRINCIPAL live streams per user or key and process (429 after).' +
    LIVE_STREAM_DESCRIPTION +
    ' The log keeps every entry, so only an id beyond the log (another database) gives `reload`.',
  tags: ['audit'],
  'x-roles': ['auditor', 'admin'],
  request: { query: z.object(LiveStreamQueryShape) },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
    ...errorResponses(401, 403, 422, 429, 500, 503),
  },
})
