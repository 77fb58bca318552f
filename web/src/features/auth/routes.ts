import type { RouteRecordRaw } from 'vue-router'

export const authRoutes: RouteRecordRaw[] = [
  // The address other consoles use for signing in leads to this one's sign-in page.
  { path: '/login', redirect: '/sign-in' },
  {
    path: '/sign-in',
    name: 'sign-in',
    component: () => import('./views/AuthSignInView.vue'),
    meta: { title: 'Sign in', isPublic: true, layout: 'bare' },
  },
  {
    path: '/setup',
    name: 'setup',
    component: () => import('./views/AuthSetupView.vue'),
    meta: { title: 'Create the first admin', isPublic: true, layout: 'bare' },
  },
  {
    path: '/reset-password',
    name: 'reset-password',
    component: () => import('./views/AuthResetPasswordView.vue'),
    meta: { title: 'Set a new password', isPublic: true, layout: 'bare' },
  },
]
