import { errorResponses } from '../common/errors'
import { defineRoute, jsonContent } from '../common/route'
import { DashboardOverviewSchema } from './schemas'

export const getDashboardOverviewRoute = defineRoute({
  method: 'get',
  path: '/api/v1/dashboard/overview',
  operationId: 'dashboard.getOverview',
  summary: 'Users, API keys and recent sign-ins for the overview page',
  tags: ['dashboard'],
  'x-roles': ['admin', 'auditor'],
  responses: {
    200: { description: 'Overview', content: jsonContent(DashboardOverviewSchema) },
    ...errorResponses(401, 403, 500, 503),
  },
})

export const dashboardRoutes = [getDashboardOverviewRoute] as const
