import type { RouteConfig } from '@hono/zod-openapi'
import type { RouteAccess } from './roles'

/**
 * A route of the API: an OpenAPI operation plus the roles it allows (`x-roles`, also
 * published in the OpenAPI document). The BFF enforces `x-roles` for every route it mounts.
 */
export type AppRouteConfig = RouteConfig & {
  operationId: string
  'x-roles': RouteAccess
  /** Also open to API keys scoped to the run named by the `runId` path parameter (training agents). */
  'x-run-scoped'?: boolean
}

/**
 * Declares a route. An identity function on purpose: the definitions stay plain data that the
 * browser can import without the server's OpenAPI tooling.
 */
export function defineRoute<const R extends AppRouteConfig>(route: R): R {
  return route
}

export function jsonContent<T>(schema: T) {
  return { 'application/json': { schema } } as const
}
