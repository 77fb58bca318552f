import { adminRoutes } from './admin/routes'
import { auditRoutes } from './audit/routes'
import { authRoutes } from './auth/routes'
import { dashboardRoutes } from './dashboard/routes'
import { integrationsRoutes } from './integrations/routes'
import { pendingServiceRoutes } from './services/routes'
import { systemRoutes } from './system/routes'
import { tgspRoutes } from './tgsp/routes'
import { trainingRoutes } from './training/routes'

/** Every route of the API, in the order of the OpenAPI document. */
export const ALL_ROUTES = [
  ...systemRoutes,
  ...authRoutes,
  ...adminRoutes,
  ...dashboardRoutes,
  ...auditRoutes,
  ...tgspRoutes,
  ...trainingRoutes,
  ...integrationsRoutes,
  ...pendingServiceRoutes,
] as const

export type AnyAppRoute = (typeof ALL_ROUTES)[number]
