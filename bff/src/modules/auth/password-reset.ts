import { and, eq, gt } from 'drizzle-orm'
import type { CompletePasswordResetBody, CompletePasswordResetResponse } from '@tg/contracts'
import { passwordResetTokens, users } from '../../db/schema'
import { AppError } from '../../lib/errors'
import { hashPassword } from '../../lib/password'
import { assertStrongPassword } from '../../lib/password-policy'
import type { AuditContext } from '../audit/record'
import { endSessions } from './sessions'
import type { SignInDeps } from './sign-in'
import { clearAccount } from './throttle'

const invalidLink = () =>
  new AppError('FORBIDDEN', 'The reset link is not valid, already used or expired. Ask an admin for a new one.')

/**
 * Sets a new password through the one-time link an admin issued: the token is used up, every
 * session of the user ends and the account's failed-attempt counters are cleared.
 */
export async function completePasswordReset(
  deps: SignInDeps,
  ctx: AuditContext,
  body: CompletePasswordResetBody,
): Promise<CompletePasswordResetResponse> {
  const { db, audit, hashSecret } = deps
  const tokenHash = hashSecret(body.token)
  const isLive = and(eq(passwordResetTokens.tokenHash, tokenHash), gt(passwordResetTokens.expiresAt, new Date()))
  const [found] = await db
    .select({ id: users.id, username: users.username, displayName: users.displayName })
    .from(passwordResetTokens)
    .innerJoin(users, eq(users.id, passwordResetTokens.userId))
    .where(isLive)
  if (!found) throw invalidLink()
  // Only the holder of a live link gets this far, so the policy's CPU cost cannot be abused.
  assertStrongPassword(body.newPassword, [found.username, found.displayName], 'newPassword')
  const passwordHash = await hashPassword(body.newPassword)
  return db.transaction(async (tx) => {
    const [used] = await tx.delete(passwordResetTokens).where(isLive).returning({ userId: passwordResetTokens.userId })
    if (!used) throw invalidLink()
    await tx.update(users).set({ passwordHash }).where(eq(users.id, found.id))
    const endedSessions = await endSessions(tx, found.id)
    const cleared = await clearAccount(tx, found.username, new Date())
    const actor = { type: 'user' as const, id: found.id, name: found.username }
    await audit.record(
      tx,
      { ...ctx, actor },
      {
        action: 'auth.password_reset_completed',
        resourceType: 'user',
        resourceId: found.id,
        outcome: 'success',
        details: { username: found.username, endedSessions, clearedBlocks: cleared.length },
      },
    )
    return { username: found.username }
  })
}
