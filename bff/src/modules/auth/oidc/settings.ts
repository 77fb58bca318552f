import { ROLES } from '@tg/contracts'
import type { Role } from '@tg/contracts'

/** Single sign-on through one OpenID Connect provider (TG_OIDC_*). */
export type OidcSettings = {
  issuer: string
  clientId: string
  /** Never logged or returned; absent for a public client (PKCE only). */
  clientSecret: string | undefined
  scopes: string
  /** The ID token claim that lists the user's groups. */
  groupsClaim: string
  /** Group name to the roles it grants (TG_OIDC_ROLE_MAP). */
  roleMap: ReadonlyMap<string, readonly Role[]>
  /** The button label: "Sign in with <name>". */
  name: string
  /** `${TG_PUBLIC_URL}/api/v1/auth/oidc/callback`, registered at the provider. */
  redirectUri: string
}

export const OIDC_CALLBACK_PATH = '/api/v1/auth/oidc/callback'

/**
 * Parses `group=role[+role],group=role`: every role must be one of ROLES, every group named once.
 * Throws an Error naming the bad entry.
 */
export function parseRoleMap(text: string): Map<string, Role[]> {
  const map = new Map<string, Role[]>()
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const at = entry.lastIndexOf('=')
    const group = entry.slice(0, at).trim()
    const roles = entry
      .slice(at + 1)
      .split('+')
      .map((r) => r.trim())
    if (at <= 0 || roles.some((r) => !(ROLES as readonly string[]).includes(r)))
      throw new Error(`TG_OIDC_ROLE_MAP: "${entry}" is not group=role[+role] with roles among ${ROLES.join(', ')}`)
    if (map.has(group)) throw new Error(`TG_OIDC_ROLE_MAP: group "${group}" is named twice`)
    map.set(group, [...new Set(roles as Role[])])
  }
  if (map.size === 0) throw new Error('TG_OIDC_ROLE_MAP: map at least one group to a role (group=role)')
  return map
}

/** The roles the user's groups grant, in the order of ROLES; empty when no group is mapped. */
export function rolesOfGroups(roleMap: OidcSettings['roleMap'], groups: readonly string[]): Role[] {
  const granted = new Set(groups.flatMap((g) => roleMap.get(g) ?? []))
  return ROLES.filter((r) => granted.has(r))
}

/** The groups claim as a list of names: an array of strings, or one string. */
export function groupsOfClaims(claims: Record<string, unknown>, claim: string): string[] {
  const value = claims[claim]
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string')
  return []
}
