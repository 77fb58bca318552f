import { z } from 'zod'
import { errorResponses } from '../common/errors'
import { LIVE_STREAM_DESCRIPTION, LiveStreamQueryShape } from '../common/live'
import { ANY_ROLE } from '../common/roles'
import { defineRoute } from '../common/route'

/** A release went live on a fleet and channel (a promotion or a rollback). */
export const TgspEventSchema = z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('release'),
      releaseId: z.uuid(),
      fleetId: z.uuid(),
      channel: z.string(),
      packageId: z.uuid(),
      kind: z.enum(['promotion', 'rollback']),
    }),
  ])
  .meta({ id: 'TgspEvent' })
export type TgspEvent = z.infer<typeof TgspEventSchema>

export const TgspEventsQuerySchema = z.object({
  fleetId: z.uuid().optional().meta({ description: 'Only events of this fleet.' }),
  ...LiveStreamQueryShape,
})

export const tgspEventsRoute = defineRoute({
  method: 'get',
  path: '/api/v1/tgsp/events',
  operationId: 'tgsp.events',
  summary: 'Live updates as server-sent events (`release`), from every replica',
  description:
    'Each event\u2019s data is a TgspEvent. A comment line is sent every 15 s to keep proxies open. ' +
    'At most TG_MAX_STREAMS_PER_PRINCIPAL live streams per user or key and process (429 after).' +
    LIVE_STREAM_DESCRIPTION,
  tags: ['tgsp'],
  'x-roles': ANY_ROLE,
  request: { query: TgspEventsQuerySchema },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
    ...errorResponses(401, 403, 422, 429, 500, 503),
  },
})
