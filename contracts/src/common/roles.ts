import { z } from 'zod'

export const ROLES = ['viewer', 'operator', 'publisher', 'release-manager', 'auditor', 'admin'] as const
export const RoleSchema = z.enum(ROLES).meta({ id: 'Role' })
export type Role = z.infer<typeof RoleSchema>

/** Every signed-in role: for read-only overview routes. */
export const ANY_ROLE: readonly Role[] = ROLES

/** What a route allows: `public` (no sign-in) or the roles of which the caller needs one. */
export type RouteAccess = 'public' | readonly Role[]

export const ROLE_LABELS: Record<Role, string> = {
  viewer: 'Viewer',
  operator: 'Operator',
  publisher: 'Publisher',
  'release-manager': 'Release manager',
  auditor: 'Auditor',
  admin: 'Admin',
}
