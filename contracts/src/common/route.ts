import type { RouteConfig } from '@hono/zod-openapi'
import { errorResponses } from './errors'
import { ANY_HOST_PATHS } from './http'
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
  /** Also open to FedMoE ingest keys scoped to the family named by the `expertId` path parameter. */
  'x-expert-scoped'?: boolean
  /** Also open to fleet agent keys scoped to the fleet named by the `fleetId` path parameter. */
  'x-fleet-scoped'?: boolean
}

/**
 * Declares a route: the definition, plus the platform's own responses (421, except on the
 * operational paths of ANY_HOST_PATHS), so that the OpenAPI document lists them per operation.
 * The definitions stay plain data that the browser can import without the server's OpenAPI tooling.
 */
export function defineRoute<const R extends AppRouteConfig>(route: R): R {
  const platform = ANY_HOST_PATHS.includes(route.path) ? {} : errorResponses(421)
  return { ...route, responses: { ...platform, ...route.responses } }
}

export function jsonContent<T>(schema: T) {
  return { 'application/json': { schema } } as const
}
