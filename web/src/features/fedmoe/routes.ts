import type { RouteRecordRaw } from 'vue-router'

export const fedmoeRoutes: RouteRecordRaw[] = [
  {
    path: '/fedmoe',
    name: 'fedmoe',
    component: () => import('./views/FedmoeExpertsView.vue'),
    meta: { title: 'FedMoE' },
  },
]
