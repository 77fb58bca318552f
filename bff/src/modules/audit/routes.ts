import {
  createAuditCheckpointRoute,
  exportAuditBundleRoute,
  getAuditEntryProofRoute,
  getAuditEntryRoute,
  getAuditIntegrityRoute,
  getAuditKeysRoute,
  getConsistencyProofRoute,
  getLatestAuditCheckpointRoute,
  listAuditCheckpointsRoute,
  listAuditEntriesRoute,
  listAuditKeyRotationsRoute,
  listAuditLeavesRoute,
  rotateAuditKeysRoute,
  auditEventsRoute,
  streamAuditLeavesRoute,
  AUDIT_LEAF_STREAM_MEDIA_TYPE,
} from '@tg/contracts'
import type { AuditEvent, Role } from '@tg/contracts'
import { streamEvents } from '../../lib/event-stream'
import type { LiveSource } from '../../lib/event-stream'
import type { StreamLimiter } from '../../lib/stream-limit'
import type { GuardOptions } from '../../lib/guard'
import { createRouter } from '../../lib/router'
import { auditContextOf } from './record'
import type { AuditService } from './service'

export function createAuditRoutes({
  audit,
  guard,
  streams,
  live,
}: {
  audit: AuditService
  guard: GuardOptions
  streams: StreamLimiter
  live: LiveSource<AuditEvent>
}) {
  const app = createRouter(guard)

  app.register(auditEventsRoute, async (c) =>
    streamEvents<AuditEvent>(c, { streams, source: live, lastEventId: c.req.valid('query').lastEventId }),
  )

  app.register(listAuditEntriesRoute, async (c) => c.json(await audit.listEntries(c.req.valid('query')), 200))

  app.register(getAuditEntryRoute, async (c) => {
    const { seq } = c.req.valid('param')
    return c.json(await audit.getEntry(seq, c.req.valid('query').treeSize), 200)
  })

  app.register(getAuditEntryProofRoute, async (c) => {
    const { seq } = c.req.valid('param')
    const proof = await audit.entryProof(seq)
    c.header('Content-Disposition', `attachment; filename="audit-entry-${seq}-proof.json"`)
    return c.json(proof, 200)
  })

  app.register(listAuditLeavesRoute, async (c) => {
    const { start, count } = c.req.valid('query')
    return c.json(await audit.leaves(start, count), 200)
  })

  app.register(streamAuditLeavesRoute, async (c) => {
    const { start, end } = c.req.valid('query')
    const body = await audit.leafStream(start, end)
    return c.body(body, 200, { 'Content-Type': AUDIT_LEAF_STREAM_MEDIA_TYPE, 'Cache-Control': 'no-store' }) as never
  })

  app.register(listAuditCheckpointsRoute, async (c) => {
    const { limit, cursor } = c.req.valid('query')
    return c.json(await audit.listCheckpoints(limit, cursor), 200)
  })

  app.register(getLatestAuditCheckpointRoute, async (c) => c.json(await audit.latestCheckpoint(), 200))

  app.register(createAuditCheckpointRoute, async (c) => {
    const { checkpoint, isNew } = await audit.createCheckpoint()
    return isNew ? c.json(checkpoint, 201) : c.json(checkpoint, 200)
  })

  app.register(getConsistencyProofRoute, async (c) => {
    const { from, to } = c.req.valid('query')
    return c.json(await audit.consistency(from, to), 200)
  })

  app.register(getAuditKeysRoute, async (c) => {
    const rotators: readonly Role[] = rotateAuditKeysRoute['x-roles']
    const canRotate = c.var.principal?.roles.some((role) => rotators.includes(role)) ?? false
    return c.json(await audit.keys(canRotate), 200)
  })

  app.register(rotateAuditKeysRoute, async (c) => c.json(await audit.rotateKeys(auditContextOf(c)), 201))

  app.register(listAuditKeyRotationsRoute, async (c) => c.json(await audit.keyRotations(), 200))

  app.register(getAuditIntegrityRoute, async (c) => c.json(await audit.integrity(), 200))

  app.register(exportAuditBundleRoute, async (c) => {
    const bundle = await audit.exportBundle(c.req.valid('query'))
    c.header(
      'Content-Disposition',
      `attachment; filename="audit-bundle-${bundle.checkpoints.at(-1) ? 'latest' : 'empty'}.json"`,
    )
    return c.json(bundle, 200)
  })

  return app
}
