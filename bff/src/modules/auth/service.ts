import { and, count, eq, gt, isNull, sql } from 'drizzle-orm'
import type { Pause } from './attempts'
import type {
  ChangePasswordBody,
  ChangePasswordResponse,
  CompletePasswordResetBody,
  CompletePasswordResetResponse,
  CompleteSetupBody,
  Role,
  SignInBody,
  SignInOptionsResponse,
} from '@tg/contracts'
import type { Db, Executor } from '../../db/client'
import { apiKeys, sessions, setupTokens, users } from '../../db/schema'
import { AppError, conflict } from '../../lib/errors'
import type { ApiKeyPrincipal, UserPrincipal } from '../../lib/context'
import { hashPassword } from '../../lib/password'
import { assertStrongPassword } from '../../lib/password-policy'
import { randomToken } from '../../lib/secrets'
import type { AuditContext, AuditLog } from '../audit/record'
import { SERVER_ACTOR, SETUP_ACTION } from '../audit/record'
import { auditBlock } from './attempts'
import type { CredentialCache } from './credential-cache'
import { changePassword } from './password-change'
import { completePasswordReset } from './password-reset'
import { openSession } from './sessions'
import type { IssuedSession } from './sessions'
import { signIn } from './sign-in'
import { sweepThrottle } from './throttle'
import { completeOidcSignIn, startOidcSignIn } from './oidc/sign-in'
import type { OidcCompletion, OidcDeps } from './oidc/sign-in'
import { createOidcProviderClient } from './oidc/provider-client'
import type { OidcProviderClient } from './oidc/provider-client'
import type { OidcSettings } from './oidc/settings'

export type { IssuedSession } from './sessions'

export const SETUP_TOKEN_TTL_MS = 24 * 3600_000
const API_KEY_TOUCH_INTERVAL_MS = 60_000
const THROTTLE_SWEEP_MS = 60_000

const setupDone = () => conflict('Setup is already complete. Sign in instead.')
const invalidSetupLink = () =>
  new AppError(
    'FORBIDDEN',
    'The setup link is not valid or has expired. Restart the server for a new one, or use `pnpm tgctl admin create-user`.',
  )

export interface AuthService {
  isSetupRequired(): Promise<boolean>
  /** Issues a one-time setup token when no user exists yet; null otherwise. */
  issueSetupToken(): Promise<string | null>
  completeSetup(ctx: AuditContext, body: CompleteSetupBody, userAgent: string | null): Promise<IssuedSession>
  signIn(ctx: AuditContext, body: SignInBody, userAgent: string | null): Promise<IssuedSession>
  signOut(ctx: AuditContext, principal: UserPrincipal): Promise<void>
  changePassword(ctx: AuditContext, principal: UserPrincipal, body: ChangePasswordBody): Promise<ChangePasswordResponse>
  completePasswordReset(ctx: AuditContext, body: CompletePasswordResetBody): Promise<CompletePasswordResetResponse>
  /** Summarises ended throttle blocks in the audit log and forgets idle counters. */
  sweepThrottle(now?: Date): Promise<number>
  /** Runs the sweep every minute, reporting failures to `onError`; returns the way to stop. */
  start(onError: (err: unknown) => void): () => void
  signInOptions(): SignInOptionsResponse
  /** Starts single sign-on: the provider URL, and the token of this browser's attempt cookie. */
  startOidc(redirect: string): Promise<{ providerUrl: URL; bindingToken: string }>
  completeOidc(
    ctx: AuditContext,
    input: { search: string; bindingToken: string | undefined },
    userAgent: string | null,
  ): Promise<OidcCompletion>
  resolveSession(token: string): Promise<UserPrincipal | null>
  resolveApiKey(secret: string): Promise<ApiKeyPrincipal | null>
}

type Deps = {
  db: Db
  audit: AuditLog
  hashSecret: (s: string) => string
  sessionTtlMs: number
  /** Single sign-on; none when undefined. */
  oidc?: OidcSettings
  /** The relying party for `oidc` (tests may pass their own); openid-client's otherwise. */
  oidcProvider?: OidcProviderClient
  /** Password sign-in (TG_OIDC_LOCAL_PASSWORDS); true unless said otherwise. */
  localPasswords?: boolean
  /** How a slowed sign-in waits (tests observe it); a timer otherwise. */
  pause?: Pause
  /** Resolved sessions and keys, reused for a few seconds (credential-cache.ts). */
  credentials: CredentialCache
}

/** An API key as cached: its principal, and what is checked on each use. */
type CachedKey = { principal: ApiKeyPrincipal; expiresAt: Date | null; lastUsedAt: Date | null }
const isLiveKey = (key: CachedKey) => !key.expiresAt || key.expiresAt > new Date()
const isLiveSession = (user: UserPrincipal) => user.session.expiresAt > new Date()

export const OIDC_START_PATH = '/api/v1/auth/oidc/start'

const ssoNotConfigured = () =>
  new AppError('NOT_SUPPORTED', 'Single sign-on is not configured on this server.', {
    remediation: 'Set TG_OIDC_ISSUER, TG_OIDC_CLIENT_ID, TG_OIDC_CLIENT_SECRET and TG_OIDC_ROLE_MAP, then restart.',
  })

export function createAuthService(options: Deps): AuthService {
  const { db, audit, hashSecret, sessionTtlMs, oidc, pause } = options
  const localPasswords = options.localPasswords ?? true
  const oidcDeps: OidcDeps | undefined = oidc && {
    db,
    audit,
    hashSecret,
    sessionTtlMs,
    settings: oidc,
    provider: options.oidcProvider ?? createOidcProviderClient(oidc),
  }
  const passwordsDisabled = () =>
    new AppError('SIGN_IN_REFUSED', 'Password sign-in is disabled on this console.', {
      reason: 'password_sign_in_disabled',
      remediation: `Use "Sign in with ${oidc?.name ?? 'single sign-on'}". Admins on the server can still use \`pnpm tgctl admin\`.`,
    })
  async function countUsers(ex: Executor): Promise<number> {
    const [row] = await ex.select({ n: count() }).from(users)
    return row?.n ?? 0
  }

  const deps = { db, audit, hashSecret, sessionTtlMs, pause }

  async function isLiveSetupToken(ex: Executor, token: string): Promise<boolean> {
    const [valid] = await ex
      .select({ tokenHash: setupTokens.tokenHash })
      .from(setupTokens)
      .where(and(eq(setupTokens.tokenHash, hashSecret(token)), gt(setupTokens.expiresAt, new Date())))
    return !!valid
  }

  const credentials = options.credentials

  async function loadSession(tokenHash: string): Promise<UserPrincipal | null> {
    const [row] = await db
      .select({ user: users, session: sessions })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, new Date()), isNull(users.disabledAt)))
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
  }

  async function loadApiKey(secretHash: string): Promise<CachedKey | null> {
    const [key] = await db.select().from(apiKeys).where(eq(apiKeys.secretHash, secretHash))
    if (!key || key.revokedAt || (key.expiresAt && key.expiresAt <= new Date())) return null
    return {
      expiresAt: key.expiresAt,
      lastUsedAt: key.lastUsedAt,
      principal: {
        kind: 'api_key',
        id: key.id,
        name: key.name,
        prefix: key.prefix,
        roles: key.roles as Role[],
        scopeRunId: key.scopeRunId,
        scopeExpertIds: key.scopeExpertIds,
        scopeFleetId: key.scopeFleetId,
      },
    }
  }

  /** Runs a change to sessions, users or keys, then forgets this process's cached credentials. */
  const thenForget = <T>(change: Promise<T>): Promise<T> => change.finally(credentials.invalidate)

  const sweep = async (now = new Date()) =>
    db.transaction(async (tx) => {
      const ended = await sweepThrottle(tx, now)
      const ctx = { actor: SERVER_ACTOR, requestId: null, clientIp: null }
      for (const block of ended) await auditBlock(tx, audit, ctx, { ...block, phase: 'ended' })
      return ended.length
    })

  return {
    // With single sign-on there is no first-run setup: the first user whose groups map to admin is one.
    async isSetupRequired() {
      return !oidc && (await countUsers(db)) === 0
    },

    async issueSetupToken() {
      if (oidc || (await countUsers(db)) > 0) return null
      const token = randomToken(32)
      await db
        .insert(setupTokens)
        .values({ tokenHash: hashSecret(token), expiresAt: new Date(Date.now() + SETUP_TOKEN_TTL_MS) })
      return token
    },

    async completeSetup(ctx, body, userAgent) {
      if (oidc) throw conflict('There is no first-run setup with single sign-on: sign in with it instead.')
      if ((await countUsers(db)) > 0) throw setupDone()
      if (!(await isLiveSetupToken(db, body.token))) throw invalidSetupLink()
      assertStrongPassword(body.password, [body.username, body.displayName])
      const passwordHash = await hashPassword(body.password)
      return db.transaction(async (tx) => {
        await tx.execute(sql`lock table ${setupTokens} in exclusive mode`)
        if ((await countUsers(tx)) > 0) throw setupDone()
        if (!(await isLiveSetupToken(tx, body.token))) throw invalidSetupLink()
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
            action: SETUP_ACTION,
            resourceType: 'user',
            resourceId: user.id,
            outcome: 'success',
            details: { username: user.username, roles: user.roles },
          },
        )
        return openSession(tx, deps, user, { ...ctx, actor }, userAgent)
      })
    },

    async signIn(ctx, body, userAgent) {
      if (!localPasswords) throw passwordsDisabled()
      return signIn(deps, ctx, body, userAgent)
    },
    signInOptions: () => ({
      sso: oidc ? { label: oidc.name, startPath: OIDC_START_PATH } : null,
      localPasswords,
    }),
    async startOidc(redirect) {
      if (!oidcDeps) throw ssoNotConfigured()
      return startOidcSignIn(oidcDeps, redirect)
    },
    async completeOidc(ctx, input, userAgent) {
      if (!oidcDeps) throw ssoNotConfigured()
      return thenForget(completeOidcSignIn(oidcDeps, ctx, input, userAgent))
    },
    changePassword: (ctx, principal, body) => thenForget(changePassword(deps, ctx, principal, body)),
    completePasswordReset: (ctx, body) => thenForget(completePasswordReset(deps, ctx, body)),
    sweepThrottle: sweep,
    start(onError) {
      const timer = setInterval(() => void sweep().catch(onError), THROTTLE_SWEEP_MS)
      timer.unref()
      return () => clearInterval(timer)
    },

    async signOut(ctx, principal) {
      const ended = db.transaction(async (tx) => {
        await tx.delete(sessions).where(eq(sessions.tokenHash, principal.session.tokenHash))
        await audit.record(tx, ctx, {
          action: 'auth.sign_out',
          resourceType: 'session',
          resourceId: principal.id,
          outcome: 'success',
        })
      })
      await thenForget(ended)
    },

    resolveSession: (token) => {
      const tokenHash = hashSecret(token)
      return credentials.resolve(`session:${tokenHash}`, () => loadSession(tokenHash), isLiveSession)
    },

    async resolveApiKey(secret) {
      const secretHash = hashSecret(secret)
      const cached = await credentials.resolve(`key:${secretHash}`, () => loadApiKey(secretHash), isLiveKey)
      if (!cached) return null
      // The last use is kept to the minute: written when the one known here is older than that.
      const now = new Date()
      if (!cached.lastUsedAt || now.getTime() - cached.lastUsedAt.getTime() > API_KEY_TOUCH_INTERVAL_MS) {
        cached.lastUsedAt = now
        await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, cached.principal.id))
      }
      return cached.principal
    },
  }
}
