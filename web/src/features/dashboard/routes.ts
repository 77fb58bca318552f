import { getSystemHealthRoute } from '@tg/contracts'
import type { RouteRecordRaw } from 'vue-router'

export const dashboardRoutes: RouteRecordRaw[] = [
  {
    path: '/',
    name: 'dashboard',
    component: () => import('./views/DashboardView.vue'),
    meta: { title: 'Dashboard', loads: getSystemHealthRoute },
  },
]
