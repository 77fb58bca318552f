import { useQuery } from '@tanstack/vue-query'
import type { Role } from '@tg/contracts'
import { computed } from 'vue'
import { isAllowed } from './access'
import type { RoleGatedRoute } from './access'
import { sessionQuery } from './session-query'

/** The signed-in user's roles, and whether they allow a route (no roles while the session loads). */
export function useAccess() {
  const session = useQuery(sessionQuery())
  const roles = computed<readonly Role[]>(() => session.data.value?.user.roles ?? [])
  return { roles, can: (route: RoleGatedRoute) => isAllowed(route, roles.value) }
}
