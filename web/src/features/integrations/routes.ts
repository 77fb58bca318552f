import type { RouteRecordRaw } from 'vue-router'

export const integrationsRoutes: RouteRecordRaw[] = [
  {
    path: '/integrations',
    name: 'integrations',
    component: () => import('./views/IntegrationsConnectorsView.vue'),
    meta: { title: 'Integrations' },
  },
]
