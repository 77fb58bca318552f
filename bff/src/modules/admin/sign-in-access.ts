import { eq } from 'drizzle-orm'
import type { PasswordResetLink, UnlockSignInResponse } from '@tg/contracts'
import type { Db } from '../../db/client'
import { passwordResetTokens, users } from '../../db/schema'
import { conflict, notFound } from '../../lib/errors'
import { randomToken } from '../../lib/secrets'
import type { AuditContext, AuditLog } from '../audit/record'
import { endSessions } from '../auth/sessions'
import { clearAccount } from '../auth/throttle'
import { toUser } from './repo'

export const PASSWORD_RESET_TTL_MS = 24 * 3600_000
type Deps = { db: Db; audit: AuditLog; hashSecret: (s: string) => string }

/** Clears the failed-attempt counters of one account (every address, and the ceiling), audited. */
export async function unlockSignIn(deps: Deps, ctx: AuditContext, userId: string): Promise<UnlockSignInResponse> {
  return deps.db.transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, userId))
    if (!user) throw notFound('User')
    const cleared = await clearAccount(tx, user.username, new Date())
    await deps.audit.record(tx, ctx, {
      action: 'admin.sign_in_unlocked',
      resourceType: 'user',
      resourceId: user.id,
      outcome: 'success',
      details: {
        username: user.username,
        clearedBlocks: cleared.length,
        scopes: cleared.map((c) => (c.scope === 'pair' ? `${c.scope}:${c.address}` : c.scope)),
      },
    })
    return { user: toUser(user), clearedBlocks: cleared.length }
  })
}

/**
 * Issues a one-time reset link (the token only in the link's fragment, stored as an HMAC),
 * replacing any earlier one, and ends the user's sessions at once. The admin never learns the
 * new password; the old one keeps working until the link is used.
 */
export async function issuePasswordReset(deps: Deps, ctx: AuditContext, userId: string): Promise<PasswordResetLink> {
  return deps.db.transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, userId))
    if (!user) throw notFound('User')
    if (user.oidcSubject) throw conflict('This user signs in with single sign-on and has no password here to reset.')
    const token = randomToken(32)
    const expiresAt = new Date(Date.now() + PASSWORD_RESET_TTL_MS)
    await tx.delete(passwordResetTokens).where(eq(passwordResetTokens.userId, user.id))
    await tx.insert(passwordResetTokens).values({
      tokenHash: deps.hashSecret(token),
      userId: user.id,
      createdBy: ctx.actor.name,
      expiresAt,
    })
    const endedSessions = await endSessions(tx, user.id)
    await deps.audit.record(tx, ctx, {
      action: 'admin.password_reset_issued',
      resourceType: 'user',
      resourceId: user.id,
      outcome: 'success',
      details: { username: user.username, expiresAt: expiresAt.toISOString(), endedSessions },
    })
    return { resetPath: `/reset-password#token=${token}`, expiresAt: expiresAt.toISOString(), endedSessions }
  })
}
