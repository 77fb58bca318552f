import { listAuditEntriesRoute } from '@tg/contracts'
import type { RouteRecordRaw } from 'vue-router'

export const auditRoutes: RouteRecordRaw[] = [
  {
    path: '/audit',
    name: 'audit',
    component: () => import('./views/AuditEntriesView.vue'),
    meta: { title: 'Audit', loads: listAuditEntriesRoute },
  },
  {
    path: '/audit/keys',
    name: 'audit-keys',
    component: () => import('./views/AuditKeysView.vue'),
    meta: { title: 'Keys and checkpoints · Audit' },
  },
]
