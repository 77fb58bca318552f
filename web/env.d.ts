/// <reference types="vite/client" />

import 'vue-router'
import type { RoleGatedRoute } from '@/shared/session/access'

declare module 'vue-router' {
  interface RouteMeta {
    /** Page name, shown in document.title as "<title> · TensorGuardFlow". */
    title?: string
    /** Reachable without a session (sign-in, setup, not found). */
    isPublic?: boolean
    /** `bare` renders the page without the shell (no navigation). */
    layout?: 'shell' | 'bare'
    /** The contract route the view loads: the navigation offers the view only to the roles it allows. */
    loads?: RoleGatedRoute
  }
}
