import { adminRoutes } from './admin/routes'
import { auditRoutes } from './audit/routes'
import { authRoutes } from './auth/routes'
import { dashboardRoutes } from './dashboard/routes'
import { fedmoeArenaRoutes } from './fedmoe/arena-routes'
import { fedmoeEvidenceRoutes } from './fedmoe/evidence-routes'
import { fedmoeRoutes } from './fedmoe/routes'
import { integrationsRoutes } from './integrations/routes'
import { systemRoutes } from './system/routes'
import { tgspRoutes } from './tgsp/routes'
import { tgspHealthRoutes } from './tgsp/health-routes'
import { tgspEventsRoute } from './tgsp/events'
import { auditEventsRoute } from './audit/events'
import { trainingRoutes } from './training/routes'

/** Every route of the API, in the order of the OpenAPI document. */
export const ALL_ROUTES = [
  ...systemRoutes,
  ...authRoutes,
  ...adminRoutes,
  ...dashboardRoutes,
  ...auditRoutes,
  ...tgspRoutes,
  ...tgspHealthRoutes,
  tgspEventsRoute,
  auditEventsRoute,
  ...trainingRoutes,
  ...fedmoeRoutes,
  ...fedmoeEvidenceRoutes,
  ...fedmoeArenaRoutes,
  ...integrationsRoutes,
] as const

export type AnyAppRoute = (typeof ALL_ROUTES)[number]
