import { listExpertsRoute } from '@tg/contracts'
import type { RouteRecordRaw } from 'vue-router'

export const fedmoeRoutes: RouteRecordRaw[] = [
  {
    path: '/fedmoe',
    name: 'fedmoe',
    component: () => import('./views/FedmoeExpertsView.vue'),
    meta: { title: 'Experts · FedMoE', loads: listExpertsRoute },
  },
  {
    path: '/fedmoe/:expertId',
    name: 'fedmoe-expert',
    component: () => import('./views/FedmoeFamilyView.vue'),
    props: true,
    meta: { title: 'Expert · FedMoE' },
  },
  {
    path: '/fedmoe/:expertId/evidence/:evidenceId',
    name: 'fedmoe-evidence',
    component: () => import('./views/FedmoeEvidenceView.vue'),
    props: true,
    meta: { title: 'Evidence · FedMoE' },
  },
  {
    path: '/fedmoe/:expertId/arena',
    name: 'fedmoe-arena',
    component: () => import('./views/FedmoeArenaView.vue'),
    props: true,
    meta: { title: 'Eval Arena · FedMoE' },
  },
  {
    path: '/fedmoe/:expertId/arena/traces',
    name: 'fedmoe-traces',
    component: () => import('./views/FedmoeTracesView.vue'),
    props: true,
    meta: { title: 'Traces · FedMoE' },
  },
]

export const expertPath = (expertId: string) => `/fedmoe/${expertId}`
export const evidencePath = (expertId: string, evidenceId: string) => `/fedmoe/${expertId}/evidence/${evidenceId}`
