import { and, arrayContains, eq, getTableColumns, isNull, sql } from 'drizzle-orm'
import type { ApiKey, ApiKeyPage, ListApiKeysQuery, ListUsersQuery, Role, User, UserPage } from '@tg/contracts'
import type { Executor } from '../../db/client'
import { apiKeys, users } from '../../db/schema'
import { cursorAt } from '../../lib/pagination'
import { apiKeysPageJson } from './api-keys-page'
import { usersPageJson } from './users-page'

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

/** An API keys page (one statement: api-keys-page.ts), parsed. */
export async function listApiKeys(ex: Executor, query: ListApiKeysQuery, now = new Date()): Promise<ApiKeyPage> {
  return JSON.parse(await apiKeysPageJson(ex, query, now)) as ApiKeyPage
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
