import { and, desc, eq, gt, isNotNull, isNull, like, lte, or, sql } from 'drizzle-orm'
import type { ApiKeyPage, ListApiKeysQuery } from '@tg/contracts'
import type { Executor } from '../../db/client'
import { apiKeys, users } from '../../db/schema'
import { isoInstant, jsonItem, jsonPageFields, jsonPageSource, preparedByShape, toJsonPage } from '../../lib/json-page'
import type { JsonText } from '../../lib/json-page'
import { decodeCursor } from '../../lib/pagination'

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`)
const p = sql.placeholder
const now = sql`${p('now')}::timestamptz`

/** An API key as `toApiKey` (repo.ts) maps a row, rendered by the database. */
const API_KEY_ITEM = jsonItem({
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  roles: apiKeys.roles,
  scopeRunId: apiKeys.scopeRunId,
  scopeExpertIds: apiKeys.scopeExpertIds,
  scopeFleetId: apiKeys.scopeFleetId,
  status: sql`case when ${apiKeys.revokedAt} is not null then 'revoked' when ${apiKeys.expiresAt} <= ${now} then 'expired' else 'active' end`,
  createdAt: isoInstant(apiKeys.createdAt),
  createdBy: users.username,
  expiresAt: isoInstant(apiKeys.expiresAt),
  lastUsedAt: isoInstant(apiKeys.lastUsedAt),
  revokedAt: isoInstant(apiKeys.revokedAt),
})

const shapeOf = (query: ListApiKeysQuery) =>
  `${query.prefix ? 'p' : ''}${query.status?.[0] ?? ''}${query.cursor ? 'c' : ''}`

/** The one statement of an API keys page for a filter shape, values as placeholders (lib/json-page.ts). */
export function apiKeysPageStatement(ex: Executor, query: ListApiKeysQuery) {
  const rows = ex
    .select({
      item: API_KEY_ITEM.as('item'),
      t: sql`${apiKeys.createdAt}`.as('t'),
      id: apiKeys.id,
    })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .where(
      and(
        query.prefix ? like(apiKeys.prefix, p('prefix')) : undefined,
        query.status === 'revoked' ? isNotNull(apiKeys.revokedAt) : undefined,
        query.status === 'active'
          ? and(isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)))
          : undefined,
        query.status === 'expired' ? and(isNull(apiKeys.revokedAt), lte(apiKeys.expiresAt, now)) : undefined,
        query.cursor
          ? sql`(${apiKeys.createdAt}, ${apiKeys.id}) < (${p('at')}::timestamptz, ${p('cursorId')}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
    .limit(p('fetch'))
  return ex.select(jsonPageFields(p('limit'))).from(jsonPageSource(rows))
}

const statementFor = preparedByShape('tg_api_keys_page', shapeOf, apiKeysPageStatement)

/** An API keys page as the JSON text the route sends (`ApiKeyPage`), newest first. */
export async function apiKeysPageJson(
  ex: Executor,
  query: ListApiKeysQuery,
  at = new Date(),
): Promise<JsonText<ApiKeyPage>> {
  const cursor = query.cursor ? decodeCursor(query.cursor) : undefined
  const [row] = await statementFor(ex, query).execute({
    prefix: query.prefix ? `${escapeLike(query.prefix)}%` : undefined,
    now: at.toISOString(),
    at: cursor?.at,
    cursorId: cursor?.id,
    limit: query.limit,
    fetch: query.limit + 1,
  })
  return toJsonPage<ApiKeyPage>(row, query.limit)
}
