import { listExpertsRoute } from '@tg/contracts'
import type { GuardOptions } from '../../lib/guard'
import { createRouter } from '../../lib/router'
import type { PendingModule } from './service'

export function createPendingRoutes({
  modules,
  guard,
}: {
  modules: Record<PendingModule['name'], PendingModule>
  guard: GuardOptions
}) {
  const app = createRouter(guard)
  app.register(listExpertsRoute, () => modules.fedmoe.refuse())
  return app
}
