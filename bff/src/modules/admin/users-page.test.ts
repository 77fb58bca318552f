import { and, desc, getTableColumns, ilike, isNotNull, isNull, or, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ListUsersQuery, Role } from '@tg/contracts'
import type { Executor } from '../../db/client'
import { signInThrottle, users } from '../../db/schema'
import { cursorAt, olderThan, toPage } from '../../lib/pagination'
import { createHarness, createPostgresDatabase } from '../../test/harness'
import type { Harness } from '../../test/harness'
import { blockedUntilOf } from '../auth/throttle'
import { toUser } from './repo'
import { usersPageJson } from './users-page'

/**
 * The users page before it was built by the database (main at 9a8b44b): drizzle's select, the
 * driver's row parsing and `toUser`, serialized by `c.json`. The JSON text the database builds
 * now must be the same bytes for every filter shape and every page.
 */
const { passwordHash: _hash, ...userColumns } = getTableColumns(users)
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`)
async function referencePage(ex: Executor, query: ListUsersQuery, now: Date): Promise<string> {
  const rows = await ex
    .select({
      ...userColumns,
      signInBlockedUntil: blockedUntilOf(users.username, now),
      cursorAt: cursorAt(users.createdAt),
    })
    .from(users)
    .where(
      and(
        query.q
          ? or(ilike(users.username, `%${escapeLike(query.q)}%`), ilike(users.displayName, `%${escapeLike(query.q)}%`))
          : undefined,
        query.role ? sql`${users.roles} @> array[${query.role}]::text[]` : undefined,
        query.status === 'active'
          ? isNull(users.disabledAt)
          : query.status === 'disabled'
            ? isNotNull(users.disabledAt)
            : undefined,
        olderThan(query.cursor, users.createdAt, users.id),
      ),
    )
    .orderBy(desc(users.createdAt), desc(users.id))
    .limit(query.limit + 1)
  return JSON.stringify(toPage(rows, query.limit, toUser))
}

const NOW = new Date('2026-06-01T12:00:00.000Z')

/** Users whose fields reach every branch of `toUser` and of JSON escaping. */
async function seed(ex: Executor) {
  const at = (s: string) => sql`${s}::timestamptz`
  const people: Array<{
    username: string
    displayName: string
    roles: Role[]
    created: string
    extra?: Record<string, unknown>
  }> = [
    {
      username: 'ada',
      displayName: 'Ada "the first" Lovelace',
      roles: ['admin'],
      created: '2026-05-01 10:00:00.999999+00',
    },
    // Three users inside one millisecond: the cursor's microseconds keep them apart.
    {
      username: 'bob_1',
      displayName: 'Bob \\ back\\slash',
      roles: ['viewer', 'operator'],
      created: '2026-05-02 10:00:00.123001+00',
    },
    {
      username: 'bob%2',
      displayName: 'Bob\ttab\nnewline\u0001ctl',
      roles: ['operator'],
      created: '2026-05-02 10:00:00.123002+00',
    },
    {
      username: 'bob3',
      displayName: 'Bøb ünïcødé 🚀 \u2028 </script>',
      roles: [],
      created: '2026-05-02 10:00:00.123999+00',
    },
    {
      username: 'cy',
      displayName: 'Cy',
      roles: ['auditor', 'viewer'],
      created: '2026-05-03 00:00:00+00',
      extra: { disabledAt: at('2026-05-04 00:00:00.000500+00') },
    },
    {
      username: 'dee',
      displayName: 'Dee SSO',
      roles: ['viewer'],
      created: '2026-05-04 00:00:00.5+00',
      extra: { oidcIssuer: 'https://idp.example', oidcSubject: 'dee-sub' },
    },
    {
      username: 'eve',
      displayName: 'Eve half SSO',
      roles: ['viewer'],
      created: '2026-05-05 00:00:00+00',
      extra: { oidcIssuer: '', oidcSubject: 'eve-sub' },
    },
    {
      username: 'fay',
      displayName: 'Fay',
      roles: ['publisher'],
      created: '2026-05-06 00:00:00+00',
      extra: { lastSignInAt: at('2026-05-30 23:59:59.999999+00') },
    },
    {
      username: 'gus',
      displayName: 'Gus 100%_sure',
      roles: ['release-manager'],
      created: '2026-05-07 00:00:00+00',
      extra: { disabledAt: at('2026-05-08 00:00:00+00') },
    },
  ]
  for (const u of people)
    await ex.insert(users).values({
      username: u.username,
      displayName: u.displayName,
      roles: u.roles,
      createdAt: at(u.created) as never,
      ...u.extra,
    })
  // An account block still running at NOW (its latest of two counts), and one that has ended.
  const block = (key: string, username: string, until: string) => ({
    key,
    scope: 'pair',
    username,
    address: '10.0.0.1',
    failures: 5,
    lastFailureAt: NOW,
    blockedUntil: at(until) as never,
  })
  await ex
    .insert(signInThrottle)
    .values([
      block('pair:ada@a', 'ada', '2026-06-01 12:10:00.250750+00'),
      block('pair:ada@b', 'ada', '2026-06-01 12:20:00.000001+00'),
      block('pair:fay@a', 'fay', '2026-06-01 11:00:00+00'),
    ])
}

const SHAPES: Array<Omit<ListUsersQuery, 'limit'>> = []
for (const q of [undefined, 'bob', '%', '_', 'sso', 'nobody'])
  for (const role of [undefined, 'viewer', 'operator'] as const)
    for (const status of [undefined, 'active', 'disabled'] as const) SHAPES.push({ q, role, status })

/** Every page of `query`, each compared with the reference; returns the pages' item counts. */
async function compareEveryPage(ex: Executor, query: Omit<ListUsersQuery, 'limit'>, limit: number) {
  const sizes: number[] = []
  let cursor: string | undefined
  do {
    const page: ListUsersQuery = { ...query, limit, cursor }
    const text = await usersPageJson(ex, page, NOW)
    expect(text, JSON.stringify(page)).toBe(await referencePage(ex, page, NOW))
    const parsed = JSON.parse(text) as { items: unknown[]; nextCursor: string | null }
    sizes.push(parsed.items.length)
    cursor = parsed.nextCursor ?? undefined
  } while (cursor && sizes.length < 20)
  return sizes
}

function pageContract(name: string, open: () => Promise<Harness | null>) {
  describe(`the users page built by the database (${name})`, { timeout: 120_000 }, () => {
    let h: Harness | null = null
    beforeAll(async () => {
      h = await open()
      if (h) await seed(h.database.db)
    })
    afterAll(async () => h?.close())

    it('is byte for byte the mapped page for every filter shape, page size and cursor', async () => {
      if (!h) throw new Error('no database')
      const db = h.database.db
      for (const shape of SHAPES) for (const limit of [1, 2, 50]) await compareEveryPage(db, shape, limit)
      // Paged one by one, all nine users, newest first, the three of one millisecond included.
      expect(await compareEveryPage(db, {}, 1)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1])
    })

    it('renders each field as toUser does: nulls, statuses, SSO, blocks and millisecond instants', async () => {
      if (!h) throw new Error('no database')
      const { items } = JSON.parse(await usersPageJson(h.database.db, { limit: 50 }, NOW)) as {
        items: Array<Record<string, unknown>>
      }
      const by = (username: string) => items.find((u) => u.username === username)
      expect(by('ada')).toMatchObject({
        createdAt: '2026-05-01T10:00:00.999Z',
        signInBlockedUntil: '2026-06-01T12:20:00.000Z',
        sso: null,
      })
      expect(by('cy')).toMatchObject({ status: 'disabled', roles: ['auditor', 'viewer'], lastSignInAt: null })
      expect(by('dee')?.sso).toEqual({ issuer: 'https://idp.example', subject: 'dee-sub' })
      expect(by('eve')?.sso).toBeNull()
      expect(by('fay')).toMatchObject({ lastSignInAt: '2026-05-30T23:59:59.999Z', signInBlockedUntil: null })
      expect(by('bob3')?.roles).toEqual([])
      expect(Object.keys(by('ada') ?? {})).toEqual([
        'id',
        'username',
        'displayName',
        'roles',
        'status',
        'createdAt',
        'lastSignInAt',
        'signInBlockedUntil',
        'sso',
      ])
    })

    it('answers GET /api/v1/admin/users with that text as application/json, and 422 for a forged cursor', async () => {
      if (!h) throw new Error('no database')
      const key = await h.apiKey(['admin'], 'page reader')
      const res = await h.request('GET', '/api/v1/admin/users?limit=3&status=active', { bearer: key })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('application/json')
      expect(await res.text()).toBe(await referencePage(h.database.db, { limit: 3, status: 'active' }, new Date()))
      const forged = await h.request('GET', '/api/v1/admin/users?cursor=bm9wZQ', { bearer: key })
      expect(forged.status).toBe(422)
    })
  })
}

pageContract('embedded PGlite', () => createHarness())

let dropPostgres = async () => {}
pageContract('PostgreSQL', async () => {
  const pg = await createPostgresDatabase()
  if ('skip' in pg) throw new Error(pg.skip)
  dropPostgres = pg.drop
  return createHarness({ target: pg.target })
})
afterAll(() => dropPostgres())
