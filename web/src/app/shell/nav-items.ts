import type { Role } from '@tg/contracts'
import type { RouteMeta } from 'vue-router'
import { isAllowed } from '@/shared/session/access'

export type NavItem = { label: string; to: string; section?: string }

/**
 * The navigation items a user with `roles` can use: an item whose view loads a contract route
 * (`meta.loads`, resolved by `metaOf`) is kept only when that route's `x-roles` allow one of the
 * roles, so nobody is offered a page that would only answer "You don't have access".
 */
export function navItemsFor<T extends NavItem>(
  items: readonly T[],
  roles: readonly Role[],
  metaOf: (path: string) => RouteMeta,
): T[] {
  return items.filter((item) => {
    const loads = metaOf(item.to).loads
    return loads === undefined || isAllowed(loads, roles)
  })
}
