import type { RouteRecordRaw } from 'vue-router'

export const trainingRoutes: RouteRecordRaw[] = [
  {
    path: '/training',
    name: 'training',
    component: () => import('./views/TrainingRunsView.vue'),
    meta: { title: 'Training' },
  },
]
