import type { QueryClient } from '@tanstack/vue-query'
import type { NavigationGuard } from 'vue-router'
import { isApiError } from '@/shared/api'
import { sessionQuery, setupStatusQuery } from '@/features/auth/queries'

/**
 * Protected routes need a session. Without one (401) the console goes to setup while no admin
 * exists, otherwise to sign-in with the wanted path as `redirect`. Any other failure lets the
 * page render, and its queries show that failure.
 */
export function createSessionGuard(queryClient: QueryClient): NavigationGuard {
  return async (to) => {
    if (to.meta.isPublic) return true
    try {
      await queryClient.ensureQueryData(sessionQuery())
      return true
    } catch (error) {
      if (!isApiError(error) || error.status !== 401) return true
      const setup = await queryClient.fetchQuery(setupStatusQuery()).catch(() => null)
      if (setup?.setupRequired) return { path: '/setup' }
      return { path: '/sign-in', query: { redirect: to.fullPath } }
    }
  }
}
