import {
  and,
  arrayContains,
  desc,
  eq,
  getTableColumns,
  gt,
  ilike,
  isNotNull,
  isNull,
  like,
  lte,
  or,
  sql,
} from 'drizzle-orm'
import type { ApiKey, ListApiKeysQuery, ListUsersQuery, Role, User, UserPage } from '@tg/contracts'
import type { Executor } from '../../db/client'
import { apiKeys, users } from '../../db/schema'
import { cursorAt, olderThan, toPage } from '../../lib/pagination'
import { usersPageJson } from './users-page'

/** Every column but the password hash, which never leaves the auth module. */
const { passwordHash: _passwordHash, ...userColumns } = getTableColumns(users)
export type UserRow = Omit<typeof users.$inferSelect, 'passwordHash'> & { signInBlockedUntil?: Date | null }
export type ApiKeyRow = typeof apiKeys.$inferSelect & { createdByName: string | null }

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    roles: row.roles as Role[],
    status: row.disabledAt ? 'disabled' : 'active',
    createdAt: row.createdAt.toISOString(),
    lastSignInAt: row.lastSignInAt?.toISOString() ?? null,
    signInBlockedUntil: row.signInBlockedUntil?.toISOString() ?? null,
    sso: row.oidcIssuer && row.oidcSubject ? { issuer: row.oidcIssuer, subject: row.oidcSubject } : null,
  }
}

export function apiKeyStatus(
  row: { revokedAt: Date | null; expiresAt: Date | null },
  now = new Date(),
): ApiKey['status'] {
  if (row.revokedAt) return 'revoked'
  if (row.expiresAt && row.expiresAt <= now) return 'expired'
  return 'active'
}

export function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    roles: row.roles as Role[],
    scopeRunId: row.scopeRunId,
    scopeExpertIds: row.scopeExpertIds,
    scopeFleetId: row.scopeFleetId,
    status: apiKeyStatus(row),
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdByName,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  }
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`)

/** A users page (one statement, `limit + 1` rows, no count: users-page.ts), parsed. */
export async function listUsers(ex: Executor, query: ListUsersQuery, now = new Date()): Promise<UserPage> {
  return JSON.parse(await usersPageJson(ex, query, now)) as UserPage
}

function selectApiKeys(ex: Executor) {
  return ex
    .select({ ...getTableColumns(apiKeys), createdByName: users.username, cursorAt: cursorAt(apiKeys.createdAt) })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
}

export async function listApiKeys(ex: Executor, query: ListApiKeysQuery, now = new Date()) {
  const rows = await selectApiKeys(ex)
    .where(
      and(
        query.prefix ? like(apiKeys.prefix, `${escapeLike(query.prefix)}%`) : undefined,
        query.status === 'revoked' ? isNotNull(apiKeys.revokedAt) : undefined,
        query.status === 'active'
          ? and(isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)))
          : undefined,
        query.status === 'expired' ? and(isNull(apiKeys.revokedAt), lte(apiKeys.expiresAt, now)) : undefined,
        olderThan(query.cursor, apiKeys.createdAt, apiKeys.id),
      ),
    )
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
    .limit(query.limit + 1)
  return toPage(rows, query.limit, toApiKey)
}

export async function findApiKey(ex: Executor, id: string): Promise<ApiKeyRow | undefined> {
  const [row] = await selectApiKeys(ex).where(eq(apiKeys.id, id))
  return row
}

export async function countActiveAdmins(ex: Executor, exceptUserId: string): Promise<number> {
  const [row] = await ex
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(and(arrayContains(users.roles, ['admin']), isNull(users.disabledAt), sql`${users.id} <> ${exceptUserId}`))
  return row?.n ?? 0
}
