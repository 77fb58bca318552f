import { listTrainingRunsRoute } from '@tg/contracts'
import type { RouteRecordRaw } from 'vue-router'

export const trainingRoutes: RouteRecordRaw[] = [
  {
    path: '/training',
    name: 'training',
    component: () => import('./views/TrainingRunsView.vue'),
    meta: { title: 'Runs · Training', loads: listTrainingRunsRoute },
  },
  {
    path: '/training/runs/:runId',
    name: 'training-run',
    component: () => import('./views/TrainingRunView.vue'),
    props: true,
    meta: { title: 'Run · Training' },
  },
  {
    path: '/training/compare',
    name: 'training-compare',
    component: () => import('./views/TrainingCompareView.vue'),
    meta: { title: 'Compare runs · Training' },
  },
  {
    path: '/training/calculator',
    name: 'training-calculator',
    component: () => import('./views/TrainingCalculatorView.vue'),
    meta: { title: 'Privacy calculator · Training' },
  },
]
