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
    // A shareable entry link: the entries view with that entry open.
    path: '/audit/entries/:seq(\\d+)',
    redirect: (to) => ({ path: '/audit', query: { entry: String(to.params.seq) } }),
  },
  {
    path: '/audit/keys',
    name: 'audit-keys',
    component: () => import('./views/AuditKeysView.vue'),
    meta: { title: 'Keys and checkpoints · Audit' },
  },
]
