import {
  createFleetAgentKeyRoute,
  getFleetHealthRoute,
  reportReleaseHealthRoute,
  updateFleetHealthPolicyRoute,
} from '@tg/contracts'
import type { GuardOptions } from '../../lib/guard'
import { createRouter } from '../../lib/router'
import { auditContextOf } from '../audit/record'
import type { ReleaseHealthService } from './release-health'

export function createReleaseHealthRoutes({ health, guard }: { health: ReleaseHealthService; guard: GuardOptions }) {
  const app = createRouter(guard)

  app.register(reportReleaseHealthRoute, async (c) => {
    const key = c.req.valid('header')['idempotency-key']
    const receipt = await health.report(auditContextOf(c), c.req.valid('param').fleetId, c.req.valid('json'), key)
    return receipt.replayed ? c.json(receipt, 200) : c.json(receipt, 201)
  })
  app.register(getFleetHealthRoute, async (c) => c.json(await health.fleetHealth(c.req.valid('param').fleetId), 200))
  app.register(updateFleetHealthPolicyRoute, async (c) =>
    c.json(await health.updatePolicy(auditContextOf(c), c.req.valid('param').fleetId, c.req.valid('json')), 200),
  )
  app.register(createFleetAgentKeyRoute, async (c) =>
    c.json(await health.createAgentKey(auditContextOf(c), c.req.valid('param').fleetId, c.req.valid('json')), 201),
  )

  return app
}
