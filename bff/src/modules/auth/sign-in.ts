import { eq } from 'drizzle-orm'
import type { SignInBody } from '@tg/contracts'
import type { Db } from '../../db/client'
import { users } from '../../db/schema'
import { AppError } from '../../lib/errors'
import { getDummyHash, verifyPassword } from '../../lib/password'
import type { AuditContext, AuditLog } from '../audit/record'
import { SIGN_IN_ACTION } from '../audit/record'
import { beginAttempt, succeedAttempt } from './attempts'
import type { Pause } from './attempts'
import { openSession } from './sessions'
import type { IssuedSession, SessionDeps } from './sessions'

export type SignInDeps = SessionDeps & { db: Db; audit: AuditLog; pause?: Pause }

/**
 * Signs in: the attempt is charged before the password is hashed (unknown users cost the same
 * scrypt work against a dummy hash); a failure keeps the charge and is audited, success gives it back.
 */
export async function signIn(
  deps: SignInDeps,
  ctx: AuditContext,
  body: SignInBody,
  userAgent: string | null,
): Promise<IssuedSession> {
  const { db, audit } = deps
  const [user] = await db.select().from(users).where(eq(users.username, body.username))
  const subject = { username: body.username, clientIp: ctx.clientIp }
  const attempt = await beginAttempt(db, audit, ctx, subject, deps.pause)
  const delayed = attempt.delayedMs > 0 ? { delayedMs: attempt.delayedMs } : {}
  const isMatch = await verifyPassword(body.password, user?.passwordHash ?? (await getDummyHash()))
  if (!user || !isMatch || user.disabledAt) {
    const reason = !user ? 'unknown_user' : !isMatch ? 'wrong_password' : 'disabled'
    await db.transaction((tx) =>
      audit.record(tx, ctx, {
        action: SIGN_IN_ACTION,
        resourceType: 'user',
        resourceId: body.username,
        outcome: 'failure',
        details: { username: body.username, reason, ...delayed },
      }),
    )
    throw new AppError('INVALID_CREDENTIALS', 'Wrong username or password.')
  }
  return db.transaction(async (tx) => {
    await succeedAttempt(tx, attempt)
    await tx.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, user.id))
    const actor = { type: 'user' as const, id: user.id, name: user.username }
    await audit.record(
      tx,
      { ...ctx, actor },
      {
        action: SIGN_IN_ACTION,
        resourceType: 'user',
        resourceId: user.id,
        outcome: 'success',
        details: { username: user.username, ...delayed },
      },
    )
    return openSession(tx, deps, user, { ...ctx, actor }, userAgent)
  })
}
