import { eq } from 'drizzle-orm'
import type { ChangePasswordBody, ChangePasswordResponse } from '@tg/contracts'
import { users } from '../../db/schema'
import type { UserPrincipal } from '../../lib/context'
import { AppError } from '../../lib/errors'
import { hashPassword, verifyPassword } from '../../lib/password'
import { assertStrongPassword } from '../../lib/password-policy'
import type { AuditContext } from '../audit/record'
import { beginAttempt, succeedAttempt } from './attempts'
import { endSessions } from './sessions'
import type { SignInDeps } from './sign-in'

export const PASSWORD_CHANGED_ACTION = 'auth.password_changed'

/**
 * Changes the signed-in user's password. The current password is checked like a sign-in (the
 * same counters, so a stolen session cannot guess it quickly); the user's other sessions end.
 */
export async function changePassword(
  deps: SignInDeps,
  ctx: AuditContext,
  principal: UserPrincipal,
  body: ChangePasswordBody,
): Promise<ChangePasswordResponse> {
  const { db, audit } = deps
  const [user] = await db.select().from(users).where(eq(users.id, principal.id))
  if (!user) throw new AppError('UNAUTHENTICATED', 'Your session has ended. Sign in again.')
  if (user.passwordHash === null)
    throw new AppError(
      'FORBIDDEN',
      'Your account signs in with single sign-on and has no password here: change it at your identity provider.',
    )
  const currentHash = user.passwordHash
  assertStrongPassword(body.newPassword, [user.username, user.displayName], 'newPassword')
  const subject = { username: user.username, clientIp: ctx.clientIp }
  const attempt = await beginAttempt(db, audit, ctx, subject, deps.pause)
  if (!(await verifyPassword(body.currentPassword, currentHash))) {
    await db.transaction((tx) =>
      audit.record(tx, ctx, {
        action: PASSWORD_CHANGED_ACTION,
        resourceType: 'user',
        resourceId: user.id,
        outcome: 'failure',
        details: { username: user.username, reason: 'wrong_password' },
      }),
    )
    throw new AppError('VALIDATION_FAILED', 'The current password is not right.', {
      issues: [{ path: 'currentPassword', message: 'This is not your current password.' }],
    })
  }
  const passwordHash = await hashPassword(body.newPassword)
  return db.transaction(async (tx) => {
    await succeedAttempt(tx, attempt)
    await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id))
    const endedSessions = await endSessions(tx, user.id, principal.session.tokenHash)
    await audit.record(tx, ctx, {
      action: PASSWORD_CHANGED_ACTION,
      resourceType: 'user',
      resourceId: user.id,
      outcome: 'success',
      details: { username: user.username, endedSessions },
    })
    return { endedSessions }
  })
}
