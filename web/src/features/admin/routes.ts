import { listUsersRoute } from '@tg/contracts'
import type { RouteRecordRaw } from 'vue-router'

export const adminRoutes: RouteRecordRaw[] = [
  { path: '/admin', redirect: '/admin/users' },
  {
    path: '/admin/users',
    name: 'admin-users',
    component: () => import('./views/AdminUsersView.vue'),
    meta: { title: 'Users · Admin', loads: listUsersRoute },
  },
  {
    path: '/admin/api-keys',
    name: 'admin-api-keys',
    component: () => import('./views/AdminApiKeysView.vue'),
    meta: { title: 'API keys · Admin' },
  },
]
