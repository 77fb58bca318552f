import { and, count, eq, gt, isNull, sql } from 'drizzle-orm'
import type { CompleteSetupBody, Role, SessionResponse, SignInBody } from '@tg/contracts'
import type { Db, Executor } from '../../db/client'
import { apiKeys, sessions, setupTokens, users } from '../../db/schema'
import { AppError, conflict, rateLimited } from '../../lib/errors'
import type { ApiKeyPrincipal, UserPrincipal } from '../../lib/context'
import { getDummyHash, hashPassword, verifyPassword } from '../../lib/password'
import { randomToken } from '../../lib/secrets'
import type { AuditContext, AuditLog } from '../audit/record'
import { SIGN_IN_ACTION } from '../audit/record'
import { THROTTLE_POLICY, accountKey, addressKey, clearFailures, recordFailure, remainingBlockMs } from './throttle'

export const SETUP_TOKEN_TTL_MS = 24 * 3600_000
const API_KEY_TOUCH_INTERVAL_MS = 60_000

export type IssuedSession = { token: string; response: SessionResponse }

export interface AuthService {
  isSetupRequired(): Promise<boolean>
  /** Issues a one-time setup token when no user exists yet; null otherwise. */
  issueSetupToken(): Promise<string | null>
  completeSetup(ctx: AuditContext, body: CompleteSetupBody, userAgent: string | null): Promise<IssuedSession>
  signIn(ctx: AuditContext, body: SignInBody, userAgent: string | null): Promise<IssuedSession>
  signOut(ctx: AuditContext, principal: UserPrincipal): Promise<void>
  resolveSession(token: string): Promise<UserPrincipal | null>
  resolveApiKey(secret: string): Promise<ApiKeyPrincipal | null>
}

type Deps = { db: Db; audit: AuditLog; hashSecret: (s: string) => string; sessionTtlMs: number }

export function createAuthService({ db, audit, hashSecret, sessionTtlMs }: Deps): AuthService {
  async function countUsers(ex: Executor): Promise<number> {
    const [row] = await ex.select({ n: count() }).from(users)
    return row?.n ?? 0
  }

  async function openSession(
    tx: Executor,
    user: { id: string; username: string; displayName: string; roles: string[] },
    ctx: AuditContext,
    userAgent: string | null,
  ): Promise<IssuedSession> {
    const token = randomToken(32)
    const csrfToken = randomToken(24)
    const expiresAt = new Date(Date.now() + sessionTtlMs)
    await tx.insert(sessions).values({
      tokenHash: hashSecret(token),
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

  async function refuseSignIn(ctx: AuditContext, username: string, reason: string, now: Date): Promise<never> {
    await db.transaction(async (tx) => {
      await recordFailure(tx, accountKey(username), THROTTLE_POLICY.accountFreeFailures, now)
      if (ctx.clientIp) await recordFailure(tx, addressKey(ctx.clientIp), THROTTLE_POLICY.addressFreeFailures, now)
      await audit.record(tx, ctx, {
        action: SIGN_IN_ACTION,
        resourceType: 'user',
        resourceId: username,
        outcome: 'failure',
        details: { username, reason },
      })
    })
    throw new AppError('INVALID_CREDENTIALS', 'Wrong username or password.')
  }

  return {
    async isSetupRequired() {
      return (await countUsers(db)) === 0
    },

    async issueSetupToken() {
      if ((await countUsers(db)) > 0) return null
      const token = randomToken(32)
      await db
        .insert(setupTokens)
        .values({ tokenHash: hashSecret(token), expiresAt: new Date(Date.now() + SETUP_TOKEN_TTL_MS) })
      return token
    },

    async completeSetup(ctx, body, userAgent) {
      const passwordHash = await hashPassword(body.password)
      return db.transaction(async (tx) => {
        await tx.execute(sql`lock table ${setupTokens} in exclusive mode`)
        if ((await countUsers(tx)) > 0) throw conflict('Setup is already complete. Sign in instead.')
        const [valid] = await tx
          .select({ tokenHash: setupTokens.tokenHash })
          .from(setupTokens)
          .where(and(eq(setupTokens.tokenHash, hashSecret(body.token)), gt(setupTokens.expiresAt, new Date())))
        if (!valid)
          throw new AppError(
            'FORBIDDEN',
            'The setup link is not valid or has expired. Restart the server for a new one, or use `pnpm tgctl admin create-user`.',
          )
        await tx.delete(setupTokens)
        const [user] = await tx
          .insert(users)
          .values({
            username: body.username,
            displayName: body.displayName,
            passwordHash,
            roles: ['admin'],
            lastSignInAt: new Date(),
          })
          .returning()
        if (!user) throw new Error('insert returned no row')
        const actor = { type: 'user' as const, id: user.id, name: user.username }
        await audit.record(
          tx,
          { ...ctx, actor },
          {
            action: 'auth.setup_completed',
            resourceType: 'user',
            resourceId: user.id,
            outcome: 'success',
            details: { username: user.username, roles: user.roles },
          },
        )
        return openSession(tx, user, { ...ctx, actor }, userAgent)
      })
    },

    async signIn(ctx, body, userAgent) {
      const now = new Date()
      const keys = [accountKey(body.username), ...(ctx.clientIp ? [addressKey(ctx.clientIp)] : [])]
      const waitMs = await remainingBlockMs(db, keys, now)
      if (waitMs > 0) {
        await db.transaction((tx) =>
          audit.record(tx, ctx, {
            action: SIGN_IN_ACTION,
            resourceType: 'user',
            resourceId: body.username,
            outcome: 'denied',
            details: { username: body.username, reason: 'throttled' },
          }),
        )
        throw rateLimited(waitMs / 1000, 'Too many failed sign-ins. Wait before trying again.')
      }
      const [user] = await db.select().from(users).where(eq(users.username, body.username))
      const isMatch = await verifyPassword(body.password, user?.passwordHash ?? (await getDummyHash()))
      if (!user || !isMatch) return refuseSignIn(ctx, body.username, user ? 'wrong_password' : 'unknown_user', now)
      if (user.disabledAt) return refuseSignIn(ctx, body.username, 'disabled', now)
      return db.transaction(async (tx) => {
        await clearFailures(tx, accountKey(user.username))
        await tx.update(users).set({ lastSignInAt: now }).where(eq(users.id, user.id))
        const actor = { type: 'user' as const, id: user.id, name: user.username }
        await audit.record(
          tx,
          { ...ctx, actor },
          {
            action: SIGN_IN_ACTION,
            resourceType: 'user',
            resourceId: user.id,
            outcome: 'success',
            details: { username: user.username },
          },
        )
        return openSession(tx, user, { ...ctx, actor }, userAgent)
      })
    },

    async signOut(ctx, principal) {
      await db.transaction(async (tx) => {
        await tx.delete(sessions).where(eq(sessions.tokenHash, principal.session.tokenHash))
        await audit.record(tx, ctx, {
          action: 'auth.sign_out',
          resourceType: 'session',
          resourceId: principal.id,
          outcome: 'success',
        })
      })
    },

    async resolveSession(token) {
      const [row] = await db
        .select({ user: users, session: sessions })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(
          and(eq(sessions.tokenHash, hashSecret(token)), gt(sessions.expiresAt, new Date()), isNull(users.disabledAt)),
        )
      if (!row) return null
      const { user, session } = row
      return {
        kind: 'user',
        id: user.id,
        username: user.username,
        displayName: user.displayName,
        roles: user.roles as Role[],
        session: { tokenHash: session.tokenHash, csrfToken: session.csrfToken, expiresAt: session.expiresAt },
      }
    },

    async resolveApiKey(secret) {
      const now = new Date()
      const [key] = await db
        .select()
        .from(apiKeys)
        .where(eq(apiKeys.secretHash, hashSecret(secret)))
      if (!key || key.revokedAt || (key.expiresAt && key.expiresAt <= now)) return null
      if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > API_KEY_TOUCH_INTERVAL_MS)
        await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, key.id))
      return {
        kind: 'api_key',
        id: key.id,
        name: key.name,
        prefix: key.prefix,
        roles: key.roles as Role[],
        scopeRunId: key.scopeRunId,
      }
    },
  }
}
