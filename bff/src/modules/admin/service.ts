import { eq, sql } from 'drizzle-orm'
import type {
  ApiKey,
  ApiKeyPage,
  CreateApiKeyBody,
  CreateUserBody,
  CreatedApiKey,
  ListApiKeysQuery,
  ListUsersQuery,
  PasswordResetLink,
  UnlockSignInResponse,
  UpdateUserBody,
  User,
  UserPage,
} from '@tg/contracts'
import { API_KEY_PREFIX } from '@tg/contracts'
import type { Db, Executor } from '../../db/client'
import { hasPgCode } from '../../db/client'
import { apiKeys, sessions, users } from '../../db/schema'
import { AppError, conflict, notFound } from '../../lib/errors'
import { hashPassword } from '../../lib/password'
import { assertStrongPassword } from '../../lib/password-policy'
import { randomToken } from '../../lib/secrets'
import type { JsonText } from '../../lib/json-page'
import type { AuditContext, AuditLog } from '../audit/record'
import { issuePasswordReset, unlockSignIn } from './sign-in-access'
import { apiKeysPageJson } from './api-keys-page'
import { countActiveAdmins, findApiKey, toApiKey, toUser } from './repo'
import { usersPageJson } from './users-page'

export interface AdminService {
  /** The page as the JSON text the route sends (parse it to read it). */
  listUsers(query: ListUsersQuery): Promise<JsonText<UserPage>>
  createUser(ctx: AuditContext, body: CreateUserBody): Promise<User>
  updateUser(ctx: AuditContext, userId: string, body: UpdateUserBody): Promise<User>
  unlockSignIn(ctx: AuditContext, userId: string): Promise<UnlockSignInResponse>
  issuePasswordReset(ctx: AuditContext, userId: string): Promise<PasswordResetLink>
  /** The page as the JSON text the route sends (parse it to read it). */
  listApiKeys(query: ListApiKeysQuery): Promise<JsonText<ApiKeyPage>>
  createApiKey(ctx: AuditContext, body: CreateApiKeyBody): Promise<CreatedApiKey>
  revokeApiKey(ctx: AuditContext, keyId: string): Promise<ApiKey>
}

type Deps = {
  db: Db
  audit: AuditLog
  hashSecret: (s: string) => string
  /** Called once a change that can end or narrow a session or key has committed (or failed). */
  onCredentialsChanged: () => void
}

/** Inserts a user and its audit entry in the caller's transaction. Shared by the API and tgctl. */
export async function insertUser(
  tx: Executor,
  audit: AuditLog,
  ctx: AuditContext,
  body: CreateUserBody,
  passwordHash: string,
): Promise<User> {
  try {
    const [row] = await tx
      .insert(users)
      .values({ username: body.username, displayName: body.displayName, passwordHash, roles: body.roles })
      .returning()
    if (!row) throw new Error('insert returned no row')
    await audit.record(tx, ctx, {
      action: 'admin.user_created',
      resourceType: 'user',
      resourceId: row.id,
      outcome: 'success',
      details: { username: row.username, roles: row.roles },
    })
    return toUser(row)
  } catch (err) {
    if (hasPgCode(err, '23505')) throw conflict(`The username "${body.username}" is taken.`, { field: 'username' })
    throw err
  }
}

/**
 * Makes an API key (shown once; stored as an HMAC) and audits it, in the caller's transaction.
 * Shared with the training module, which makes keys scoped to one run.
 */
export async function insertApiKey(
  tx: Executor,
  audit: AuditLog,
  hashSecret: (s: string) => string,
  ctx: AuditContext,
  body: CreateApiKeyBody & { scopeRunId?: string; scopeExpertIds?: string[]; scopeFleetId?: string },
): Promise<CreatedApiKey> {
  const secret = `${API_KEY_PREFIX}${randomToken(32)}`
  const prefix = secret.slice(0, API_KEY_PREFIX.length + 8)
  const createdBy = ctx.actor.type === 'user' ? ctx.actor.id : null
  const [row] = await tx
    .insert(apiKeys)
    .values({
      name: body.name,
      prefix,
      secretHash: hashSecret(secret),
      roles: body.roles,
      createdBy,
      expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
      scopeRunId: body.scopeRunId ?? null,
      scopeExpertIds: body.scopeExpertIds ?? null,
      scopeFleetId: body.scopeFleetId ?? null,
    })
    .returning({ id: apiKeys.id })
  if (!row) throw new Error('insert returned no row')
  await audit.record(tx, ctx, {
    action: 'admin.api_key_created',
    resourceType: 'api_key',
    resourceId: row.id,
    outcome: 'success',
    details: {
      name: body.name,
      prefix,
      roles: body.roles,
      expiresAt: body.expiresAt ?? null,
      ...(body.scopeRunId ? { scopeRunId: body.scopeRunId } : {}),
      ...(body.scopeExpertIds ? { scopeExpertIds: body.scopeExpertIds } : {}),
      ...(body.scopeFleetId ? { scopeFleetId: body.scopeFleetId } : {}),
    },
  })
  const created = await findApiKey(tx, row.id)
  if (!created) throw new Error('created key not found')
  return { apiKey: toApiKey(created), secret }
}

const sameRoles = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((r) => b.includes(r))

export function createAdminService({ db, audit, hashSecret, onCredentialsChanged }: Deps): AdminService {
  const thenForget = <T>(change: Promise<T>): Promise<T> => change.finally(onCredentialsChanged)
  return {
    listUsers: (query) => usersPageJson(db, query),
    listApiKeys: (query) => apiKeysPageJson(db, query),

    unlockSignIn: (ctx, userId) => unlockSignIn({ db, audit, hashSecret }, ctx, userId),
    issuePasswordReset: (ctx, userId) => thenForget(issuePasswordReset({ db, audit, hashSecret }, ctx, userId)),

    async createUser(ctx, body) {
      assertStrongPassword(body.password, [body.username, body.displayName])
      const passwordHash = await hashPassword(body.password)
      return db.transaction((tx) => insertUser(tx, audit, ctx, body, passwordHash))
    },

    async updateUser(ctx, userId, body) {
      const change = db.transaction(async (tx) => {
        // Serialises role changes so that two admins cannot demote each other at once.
        await tx.execute(sql`lock table ${users} in share row exclusive mode`)
        const [before] = await tx.select().from(users).where(eq(users.id, userId))
        if (!before) throw notFound('User')
        if (before.oidcSubject && body.roles !== undefined && !sameRoles(before.roles, body.roles))
          throw conflict(
            'This user signs in with single sign-on: their roles follow their groups at the identity provider ' +
              '(TG_OIDC_ROLE_MAP) at each sign-in. Change their groups there.',
            { field: 'roles' },
          )
        const willBeAdmin = (body.roles ?? before.roles).includes('admin')
        const willBeActive = (body.status ?? (before.disabledAt ? 'disabled' : 'active')) === 'active'
        const isActiveAdmin = before.roles.includes('admin') && !before.disabledAt
        if (isActiveAdmin && !(willBeAdmin && willBeActive) && (await countActiveAdmins(tx, userId)) === 0)
          throw conflict('This is the last active admin. Make another user admin first.')
        const disabledAt =
          body.status === undefined
            ? before.disabledAt
            : body.status === 'disabled'
              ? (before.disabledAt ?? new Date())
              : null
        const [after] = await tx
          .update(users)
          .set({ displayName: body.displayName ?? before.displayName, roles: body.roles ?? before.roles, disabledAt })
          .where(eq(users.id, userId))
          .returning()
        if (!after) throw notFound('User')
        if (after.disabledAt) await tx.delete(sessions).where(eq(sessions.userId, userId))
        await audit.record(tx, ctx, {
          action: 'admin.user_updated',
          resourceType: 'user',
          resourceId: userId,
          outcome: 'success',
          details: {
            username: after.username,
            changes: {
              ...(body.displayName !== undefined ? { displayName: [before.displayName, after.displayName] } : {}),
              ...(body.roles !== undefined ? { roles: [before.roles, after.roles] } : {}),
              ...(body.status !== undefined
                ? { status: [before.disabledAt ? 'disabled' : 'active', body.status] }
                : {}),
            },
          },
        })
        return toUser(after)
      })
      return thenForget(change)
    },

    createApiKey: (ctx, body) => db.transaction((tx) => insertApiKey(tx, audit, hashSecret, ctx, body)),

    async revokeApiKey(ctx, keyId) {
      const change = db.transaction(async (tx) => {
        const existing = await findApiKey(tx, keyId)
        if (!existing) throw notFound('API key')
        if (existing.revokedAt) throw new AppError('CONFLICT', 'This API key is already revoked.')
        await tx.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, keyId))
        await audit.record(tx, ctx, {
          action: 'admin.api_key_revoked',
          resourceType: 'api_key',
          resourceId: keyId,
          outcome: 'success',
          details: { name: existing.name, prefix: existing.prefix },
        })
        const revoked = await findApiKey(tx, keyId)
        if (!revoked) throw notFound('API key')
        return toApiKey(revoked)
      })
      return thenForget(change)
    },
  }
}
