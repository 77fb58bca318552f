import { createRoute } from '@hono/zod-openapi'
import type { RouteConfig } from '@hono/zod-openapi'
import type { RouteAccess } from './roles'

/**
 * A route of the API: an OpenAPI operation plus the roles it allows (`x-roles`, also
 * published in the OpenAPI document). The BFF enforces `x-roles` for every route it mounts.
 */
export type AppRouteConfig = RouteConfig & { operationId: string; 'x-roles': RouteAccess }

export function defineRoute<const R extends AppRouteConfig>(route: R) {
  return createRoute(route)
}

export function jsonContent<T>(schema: T) {
  return { 'application/json': { schema } } as const
}
