import { getDashboardOverviewRoute } from '@tg/contracts'
import type { GuardOptions } from '../../lib/guard'
import { createRouter } from '../../lib/router'
import type { DashboardService } from './service'

export function createDashboardRoutes({ dashboard, guard }: { dashboard: DashboardService; guard: GuardOptions }) {
  const app = createRouter(guard)
  app.register(getDashboardOverviewRoute, async (c) => c.json(await dashboard.overview(), 200))
  return app
}
