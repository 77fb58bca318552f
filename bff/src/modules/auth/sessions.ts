import { and, eq, ne } from 'drizzle-orm'
import type { Role, SessionResponse } from '@tg/contracts'
import type { Executor } from '../../db/client'
import { sessions } from '../../db/schema'
import { randomToken } from '../../lib/secrets'
import type { AuditContext } from '../audit/record'

export type IssuedSession = { token: string; response: SessionResponse }
export type SessionDeps = { hashSecret: (s: string) => string; sessionTtlMs: number }
type SessionUser = { id: string; username: string; displayName: string; roles: string[] }

/** Starts a session: a random cookie token (stored as its HMAC) and a CSRF token. */
export async function openSession(
  tx: Executor,
  deps: SessionDeps,
  user: SessionUser,
  ctx: AuditContext,
  userAgent: string | null,
): Promise<IssuedSession> {
  const token = randomToken(32)
  const csrfToken = randomToken(24)
  const expiresAt = new Date(Date.now() + deps.sessionTtlMs)
  await tx.insert(sessions).values({
    tokenHash: deps.hashSecret(token),
    userId: user.id,
    csrfToken,
    clientIp: ctx.clientIp,
    userAgent: userAgent?.slice(0, 300) ?? null,
    expiresAt,
  })
  const sessionUser = {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    roles: user.roles as Role[],
  }
  return { token, response: { user: sessionUser, csrfToken, expiresAt: expiresAt.toISOString() } }
}

/** Ends a user's sessions, all of them or all but `keepTokenHash`. Returns how many ended. */
export async function endSessions(tx: Executor, userId: string, keepTokenHash?: string): Promise<number> {
  const ended = await tx
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), keepTokenHash ? ne(sessions.tokenHash, keepTokenHash) : undefined))
    .returning({ tokenHash: sessions.tokenHash })
  return ended.length
}
