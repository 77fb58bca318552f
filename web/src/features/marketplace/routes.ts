import type { RouteRecordRaw } from 'vue-router'

export const marketplaceRoutes: RouteRecordRaw[] = [
  {
    path: '/marketplace',
    name: 'marketplace',
    component: () => import('./views/MarketplacePackagesView.vue'),
    meta: { title: 'Marketplace' },
  },
]
