import { ANY_ROLE } from '../common/roles'
import { errorResponses } from '../common/errors'
import { defineRoute } from '../common/route'

/**
 * Services whose capability is not in this build yet. Their routes exist so that clients and
 * the console get a documented 501 NOT_SUPPORTED with a remediation text, never a silent 404.
 */
export const PENDING_SERVICES = {
  fedmoe: { label: 'FedMoE', path: '/api/v1/fedmoe/experts', operationId: 'fedmoe.listExperts', roles: ANY_ROLE },
} as const

export type PendingService = keyof typeof PENDING_SERVICES

function definePendingRoute(service: PendingService) {
  const spec = PENDING_SERVICES[service]
  return defineRoute({
    method: 'get',
    path: spec.path,
    operationId: spec.operationId,
    summary: `${spec.label}: not available in this build (501 NOT_SUPPORTED)`,
    tags: [service],
    'x-roles': spec.roles,
    responses: errorResponses(401, 403, 500, 501, 503),
  })
}

export const listExpertsRoute = definePendingRoute('fedmoe')

export const pendingServiceRoutes = [listExpertsRoute] as const
