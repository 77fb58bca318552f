import type { IncomingMessage } from 'node:http'
import {
  createFleetRoute,
  createPublisherRoute,
  createReleaseRoute,
  diffPackagesRoute,
  downloadPackageRoute,
  getPackageRoute,
  listChannelsRoute,
  listFleetsRoute,
  listPackagesRoute,
  listPublishersRoute,
  listReleasesRoute,
  reverifyPackageRoute,
  revokePublisherRoute,
  rollbackReleaseRoute,
  setPackageLabelsRoute,
  updateFleetRoute,
  uploadPackageRoute,
  tgspEventsRoute,
} from '@tg/contracts'
import type { TgspEvent } from '@tg/contracts'
import type { Context } from 'hono'
import type { AppEnv } from '../../lib/context'
import type { GuardOptions } from '../../lib/guard'
import { createRouter } from '../../lib/router'
import { auditContextOf } from '../audit/record'
import { streamEvents } from '../../lib/event-stream'
import type { StreamLimiter } from '../../lib/stream-limit'
import type { TgspService } from './service'
import { nodeUploadBody, webUploadBody } from './upload-body'
import type { UploadBody } from './upload-body'

/**
 * The request body: the Node request itself when served by @hono/node-server (read with
 * backpressure, no web-stream adapter in between, and never destroyed before the answer is
 * written), the web stream otherwise (tests driving the app in-process).
 */
function bodyOf(c: Context<AppEnv>): UploadBody {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
  if (incoming) return nodeUploadBody(incoming, (name, value) => c.header(name, value))
  return webUploadBody(c.req.raw.body)
}

function declaredLength(c: Context<AppEnv>): number | null {
  const value = c.req.header('content-length')
  return value && /^\d+$/.test(value) ? Number(value) : null
}

export function createTgspRoutes({
  tgsp,
  guard,
  streams,
}: {
  tgsp: TgspService
  guard: GuardOptions
  streams: StreamLimiter
}) {
  const app = createRouter(guard)

  app.register(tgspEventsRoute, async (c) => {
    const { fleetId, lastEventId } = c.req.valid('query')
    return streamEvents<TgspEvent>(c, { streams, feed: tgsp.feed(fleetId), lastEventId }) as never
  })

  app.register(listPublishersRoute, async (c) => c.json({ items: await tgsp.listPublishers() }, 200))
  app.register(createPublisherRoute, async (c) =>
    c.json(await tgsp.createPublisher(auditContextOf(c), c.req.valid('json')), 201),
  )
  app.register(revokePublisherRoute, async (c) =>
    c.json(await tgsp.revokePublisher(auditContextOf(c), c.req.valid('param').publisherId), 200),
  )

  app.register(listPackagesRoute, async (c) => c.json(await tgsp.listPackages(c.req.valid('query')), 200))
  app.register(uploadPackageRoute, async (c) =>
    c.json(await tgsp.upload(auditContextOf(c), bodyOf(c), declaredLength(c)), 201),
  )
  app.register(getPackageRoute, async (c) => c.json(await tgsp.getPackage(c.req.valid('param').packageId), 200))
  app.register(downloadPackageRoute, async (c) => {
    const { packageId } = c.req.valid('param')
    const download = await tgsp.download(auditContextOf(c), packageId, c.req.header('range'))
    return c.body(download.body, download.status, download.headers) as never
  })

  app.register(reverifyPackageRoute, async (c) =>
    c.json(await tgsp.reverify(auditContextOf(c), c.req.valid('param').packageId), 200),
  )
  app.register(setPackageLabelsRoute, async (c) =>
    c.json(await tgsp.setLabels(auditContextOf(c), c.req.valid('param').packageId, c.req.valid('json')), 200),
  )
  app.register(diffPackagesRoute, async (c) =>
    c.json(await tgsp.diff(c.req.valid('param').packageId, c.req.valid('query').against), 200),
  )

  app.register(listFleetsRoute, async (c) =>
    c.json({ items: await tgsp.listFleets(c.req.valid('query').includeArchived) }, 200),
  )
  app.register(createFleetRoute, async (c) =>
    c.json(await tgsp.createFleet(auditContextOf(c), c.req.valid('json')), 201),
  )
  app.register(updateFleetRoute, async (c) =>
    c.json(await tgsp.updateFleet(auditContextOf(c), c.req.valid('param').fleetId, c.req.valid('json')), 200),
  )
  app.register(listChannelsRoute, (c) => c.json({ items: tgsp.channels() }, 200))

  app.register(listReleasesRoute, async (c) => c.json(await tgsp.listReleases(c.req.valid('query')), 200))
  app.register(createReleaseRoute, async (c) =>
    c.json(
      await tgsp.createRelease(auditContextOf(c), c.req.valid('json'), {
        canOverride: c.var.principal?.roles.includes('admin') ?? false,
      }),
      201,
    ),
  )
  app.register(rollbackReleaseRoute, async (c) =>
    c.json(await tgsp.rollback(auditContextOf(c), c.req.valid('param').releaseId, c.req.valid('json')), 201),
  )

  return app
}
