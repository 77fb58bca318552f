import type { Role, RouteAccess } from '@tg/contracts'

/** A route definition of @tg/contracts: it names the roles it allows in `x-roles`. */
export type RoleGatedRoute = { 'x-roles': RouteAccess }

/**
 * True when one of `roles` may call `route`, read from the route's own `x-roles` (the list the
 * server enforces), so that the console offers an action only to those it would accept.
 */
export function isAllowed(route: RoleGatedRoute, roles: readonly Role[]): boolean {
  const access = route['x-roles']
  return access === 'public' || roles.some((role) => access.includes(role))
}
