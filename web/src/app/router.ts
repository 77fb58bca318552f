import type { QueryClient } from '@tanstack/vue-query'
import { createRouter, createWebHistory } from 'vue-router'
import type { RouteLocationNormalized, RouteRecordRaw } from 'vue-router'
import { adminRoutes } from '@/features/admin/routes'
import { auditRoutes } from '@/features/audit/routes'
import { authRoutes } from '@/features/auth/routes'
import { dashboardRoutes } from '@/features/dashboard/routes'
import { fedmoeRoutes } from '@/features/fedmoe/routes'
import { integrationsRoutes } from '@/features/integrations/routes'
import { marketplaceRoutes } from '@/features/marketplace/routes'
import { trainingRoutes } from '@/features/training/routes'
import { createSessionGuard } from './session-guard'

export const PRODUCT_NAME = 'TensorGuardFlow'

const notFoundRoute: RouteRecordRaw = {
  path: '/:pathMatch(.*)*',
  name: 'not-found',
  component: () => import('./views/AppNotFoundView.vue'),
  meta: { title: 'Page not found', isPublic: true, layout: 'bare' },
}

export const APP_ROUTES: RouteRecordRaw[] = [
  ...authRoutes,
  ...dashboardRoutes,
  ...trainingRoutes,
  ...marketplaceRoutes,
  ...fedmoeRoutes,
  ...integrationsRoutes,
  ...auditRoutes,
  ...adminRoutes,
  notFoundRoute,
]

export function titleOf(route: Pick<RouteLocationNormalized, 'meta'>): string {
  return route.meta.title ? `${route.meta.title} · ${PRODUCT_NAME}` : PRODUCT_NAME
}

export function createAppRouter(queryClient: QueryClient) {
  const router = createRouter({
    history: createWebHistory(),
    routes: APP_ROUTES,
    scrollBehavior: (to, from, saved) => saved ?? (to.path === from.path ? false : { top: 0 }),
  })
  router.beforeEach(createSessionGuard(queryClient))
  router.afterEach((to) => {
    document.title = titleOf(to)
  })
  return router
}
