import {
  describeEvidenceIssues,
  changeStatusRoute,
  checkGateRoute,
  createExpertRoute,
  createVersionRoute,
  deployRoute,
  fedmoeEventsRoute,
  fedmoeOverviewRoute,
  getDefaultGatePolicyRoute,
  getExpertRoute,
  getGatePolicyRoute,
  getVersionRoute,
  listDeploymentsRoute,
  listExpertsRoute,
  rollbackRoute,
  setDefaultGatePolicyRoute,
  setGatePolicyRoute,
} from '@tg/contracts'
import type { FedmoeEvent } from '@tg/contracts'
import { AppError } from '../../lib/errors'
import { streamEvents } from '../../lib/event-stream'
import type { GuardOptions } from '../../lib/guard'
import { createRouter } from '../../lib/router'
import type { InputHook } from '../../lib/router'
import { validationHook } from '../../lib/http'
import type { StreamLimiter } from '../../lib/stream-limit'
import { auditContextOf } from '../audit/record'
import { createArenaRoutes } from './arena/routes'
import { createEvidenceRoutes } from './evidence/routes'
import type { FedmoeService } from './service'

/** Gate policies are strict objects: an unknown field is named in the issue's path (`policy.extra`). */
const strictBodyHook: InputHook = (result) => {
  if (result.success || result.target !== 'json') return validationHook(result)
  throw new AppError('VALIDATION_FAILED', 'The request is not valid.', {
    issues: describeEvidenceIssues(result.error.issues),
  })
}

export function createFedmoeRoutes({
  fedmoe,
  guard,
  streams,
}: {
  fedmoe: FedmoeService
  guard: GuardOptions
  streams: StreamLimiter
}) {
  const app = createRouter(guard)

  app.register(fedmoeOverviewRoute, async (c) => c.json(await fedmoe.overview(), 200))
  app.register(listExpertsRoute, async (c) => c.json(await fedmoe.listExperts(c.req.valid('query')), 200))
  app.register(createExpertRoute, async (c) =>
    c.json(await fedmoe.createExpert(auditContextOf(c), c.req.valid('json')), 201),
  )
  app.register(getExpertRoute, async (c) => c.json(await fedmoe.getExpert(c.req.valid('param').expertId), 200))
  app.register(createVersionRoute, async (c) =>
    c.json(await fedmoe.createVersion(auditContextOf(c), c.req.valid('param').expertId, c.req.valid('json')), 201),
  )
  app.register(getVersionRoute, async (c) => {
    const { expertId, versionId } = c.req.valid('param')
    return c.json(await fedmoe.getVersion(expertId, versionId), 200)
  })
  app.register(changeStatusRoute, async (c) => {
    const { expertId, versionId } = c.req.valid('param')
    return c.json(await fedmoe.changeStatus(auditContextOf(c), expertId, versionId, c.req.valid('json')), 200)
  })
  app.register(checkGateRoute, async (c) => {
    const { expertId, versionId } = c.req.valid('param')
    return c.json(await fedmoe.checkGate(expertId, versionId, c.req.valid('query').channel), 200)
  })
  app.register(deployRoute, async (c) => {
    const { expertId, versionId } = c.req.valid('param')
    return c.json(await fedmoe.deploy(auditContextOf(c), expertId, versionId, c.req.valid('json')), 200)
  })
  app.register(rollbackRoute, async (c) =>
    c.json(await fedmoe.rollback(auditContextOf(c), c.req.valid('param').expertId, c.req.valid('json')), 200),
  )
  app.register(listDeploymentsRoute, async (c) =>
    c.json(await fedmoe.listDeployments(c.req.valid('param').expertId, c.req.valid('query')), 200),
  )
  app.register(getGatePolicyRoute, async (c) => c.json(await fedmoe.getGatePolicy(c.req.valid('param').expertId), 200))
  app.register(
    setGatePolicyRoute,
    async (c) =>
      c.json(await fedmoe.setGatePolicy(auditContextOf(c), c.req.valid('param').expertId, c.req.valid('json')), 200),
    strictBodyHook,
  )
  app.register(getDefaultGatePolicyRoute, async (c) => c.json(await fedmoe.getDefaultGatePolicy(), 200))
  app.register(
    setDefaultGatePolicyRoute,
    async (c) => c.json(await fedmoe.setDefaultGatePolicy(auditContextOf(c), c.req.valid('json')), 200),
    strictBodyHook,
  )
  app.register(fedmoeEventsRoute, async (c) => {
    const { expertId, lastEventId } = c.req.valid('query')
    return streamEvents<FedmoeEvent>(c, { streams, feed: fedmoe.feed(expertId), lastEventId }) as never
  })

  app.route('/', createEvidenceRoutes({ evidence: fedmoe.evidence, guard }))
  app.route('/', createArenaRoutes({ arena: fedmoe.arena, guard }))
  return app
}
