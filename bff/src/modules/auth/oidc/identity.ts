import { and, eq, like, or, sql } from 'drizzle-orm'
import type { Role } from '@tg/contracts'
import type { Executor } from '../../../db/client'
import { users } from '../../../db/schema'
import type { AuditContext, AuditLog } from '../../audit/record'
import { ROLES_CHANGED_ACTION } from '../../audit/record'
import { endSessions } from '../sessions'
import { OidcRefusal } from './provider-client'
import type { VerifiedClaims } from './provider-client'

type UserRow = typeof users.$inferSelect
export type LinkedUser = { user: UserRow; isCreated: boolean; rolesBefore: string[] | null; endedSessions: number }

const MAX_BASE_LENGTH = 56
const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined)

/** A valid username (USERNAME_PATTERN) from preferred_username, else the email's local part. */
export function baseUsernameOf(claims: Record<string, unknown>): string {
  const raw = str(claims.preferred_username) ?? str(claims.email)?.split('@')[0] ?? ''
  const cleaned = raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/@.*$/, '')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, MAX_BASE_LENGTH)
    .replace(/[._-]+$/, '')
  return cleaned.length >= 2 ? cleaned : 'sso-user'
}

export function displayNameOf(claims: Record<string, unknown>, username: string): string {
  const given = [str(claims.given_name), str(claims.family_name)].filter(Boolean).join(' ')
  return (str(claims.name) ?? (given || undefined) ?? str(claims.email) ?? username).slice(0, 120)
}

/** `base`, or `base-2`, `base-3`…: the first that no user has (the users table is locked). */
async function freeUsername(tx: Executor, base: string): Promise<string> {
  const taken = await tx
    .select({ username: users.username })
    .from(users)
    .where(or(eq(users.username, base), like(users.username, `${base}-%`)))
  const names = new Set(taken.map((t) => t.username))
  if (!names.has(base)) return base
  for (let n = 2; ; n++) if (!names.has(`${base}-${n}`)) return `${base}-${n}`
}

const sameRoles = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((r) => b.includes(r))

export const findLinkedUser = async (tx: Executor, issuer: string, subject: string) =>
  (
    await tx
      .select()
      .from(users)
      .where(and(eq(users.oidcIssuer, issuer), eq(users.oidcSubject, subject)))
  )[0]

/**
 * The user linked to this identity, created at its first sign-in, with the roles its groups grant
 * now: a change is audited and ends the user's other sessions, so a removed role is gone everywhere.
 * Never links an identity to an existing local user of the same name (that would hand it over).
 */
export async function linkUser(
  tx: Executor,
  audit: AuditLog,
  ctx: AuditContext,
  verified: VerifiedClaims,
  roles: Role[],
  groups: string[],
): Promise<LinkedUser> {
  // Serialises first sign-ins, so that one identity gets one user and one username.
  await tx.execute(sql`lock table ${users} in share row exclusive mode`)
  const { issuer, subject, claims } = verified
  const before = await findLinkedUser(tx, issuer, subject)
  if (!before) {
    const username = await freeUsername(tx, baseUsernameOf(claims))
    const [user] = await tx
      .insert(users)
      .values({
        username,
        displayName: displayNameOf(claims, username),
        passwordHash: null,
        roles,
        oidcIssuer: issuer,
        oidcSubject: subject,
        lastSignInAt: new Date(),
      })
      .returning()
    if (!user) throw new Error('insert returned no row')
    return { user, isCreated: true, rolesBefore: null, endedSessions: 0 }
  }
  if (before.disabledAt)
    throw new OidcRefusal('account_disabled', 'This account is disabled in the console.', { username: before.username })
  const isChanged = !sameRoles(before.roles, roles)
  const [user] = await tx
    .update(users)
    .set({ roles, displayName: displayNameOf(claims, before.username), lastSignInAt: new Date() })
    .where(eq(users.id, before.id))
    .returning()
  if (!user) throw new Error('update returned no row')
  if (!isChanged) return { user, isCreated: false, rolesBefore: null, endedSessions: 0 }
  const endedSessions = await endSessions(tx, user.id)
  await audit.record(tx, ctx, {
    action: ROLES_CHANGED_ACTION,
    resourceType: 'user',
    resourceId: user.id,
    outcome: 'success',
    details: { username: user.username, roles: [before.roles, roles], source: 'oidc', groups, endedSessions },
  })
  return { user, isCreated: false, rolesBefore: before.roles, endedSessions }
}
