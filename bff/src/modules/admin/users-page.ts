import { and, desc, ilike, isNotNull, isNull, or, sql } from 'drizzle-orm'
import type { ListUsersQuery, UserPage } from '@tg/contracts'
import type { Executor } from '../../db/client'
import { users } from '../../db/schema'
import { isoInstant, jsonItem, jsonPageFields, jsonPageSource, preparedByShape, toJsonPage } from '../../lib/json-page'
import type { JsonText } from '../../lib/json-page'
import { decodeCursor } from '../../lib/pagination'
import { blockedUntilOf } from '../auth/throttle'

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`)
const p = sql.placeholder

/** A user as `toUser` (repo.ts) maps a row, rendered by the database. */
const USER_ITEM = jsonItem({
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  roles: users.roles,
  status: sql`case when ${users.disabledAt} is null then 'active' else 'disabled' end`,
  createdAt: isoInstant(users.createdAt),
  lastSignInAt: isoInstant(users.lastSignInAt),
  signInBlockedUntil: isoInstant(blockedUntilOf(users.username, p('now'))),
  // toUser's `issuer && subject`: an empty string counts as absent there too.
  sso: sql`case when ${users.oidcIssuer} <> '' and ${users.oidcSubject} <> '' then (select row_to_json(s) from (select ${users.oidcIssuer} as issuer, ${users.oidcSubject} as subject) as s) end`,
})

/** Which filters a query uses: one statement text (and one prepared statement) per shape. */
function shapeOf(query: ListUsersQuery): string {
  return `${query.q ? 'q' : ''}${query.role ? 'r' : ''}${query.status?.[0] ?? ''}${query.cursor ? 'c' : ''}`
}

/**
 * The one statement of a users page for a filter shape, values as placeholders: `limit + 1`
 * rows, no count, aggregated by the database into one row (lib/json-page.ts).
 */
export function usersPageStatement(ex: Executor, query: ListUsersQuery) {
  const pattern = p('pattern')
  const rows = ex
    .select({
      item: USER_ITEM.as('item'),
      t: sql`${users.createdAt}`.as('t'),
      id: users.id,
    })
    .from(users)
    .where(
      and(
        query.q ? or(ilike(users.username, pattern), ilike(users.displayName, pattern)) : undefined,
        query.role ? sql`${users.roles} @> array[${p('role')}]::text[]` : undefined,
        query.status === 'active'
          ? isNull(users.disabledAt)
          : query.status === 'disabled'
            ? isNotNull(users.disabledAt)
            : undefined,
        query.cursor
          ? sql`(${users.createdAt}, ${users.id}) < (${p('at')}::timestamptz, ${p('cursorId')}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(users.createdAt), desc(users.id))
    .limit(p('fetch'))
  return ex.select(jsonPageFields(p('limit'))).from(jsonPageSource(rows))
}

const statementFor = preparedByShape('tg_users_page', shapeOf, usersPageStatement)

/** A users page as the JSON text the route sends (`UserPage`), newest first. */
export async function usersPageJson(
  ex: Executor,
  query: ListUsersQuery,
  now = new Date(),
): Promise<JsonText<UserPage>> {
  const cursor = query.cursor ? decodeCursor(query.cursor) : undefined
  const [row] = await statementFor(ex, query).execute({
    pattern: query.q ? `%${escapeLike(query.q)}%` : undefined,
    role: query.role,
    now: now.toISOString(),
    at: cursor?.at,
    cursorId: cursor?.id,
    limit: query.limit,
    fetch: query.limit + 1,
  })
  return toJsonPage<UserPage>(row, query.limit)
}
