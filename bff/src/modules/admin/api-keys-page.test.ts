import { randomUUID } from 'node:crypto'
import { and, desc, eq, getTableColumns, gt, isNotNull, isNull, like, lte, or, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ListApiKeysQuery } from '@tg/contracts'
import type { Executor } from '../../db/client'
import { apiKeys, users } from '../../db/schema'
import { cursorAt, olderThan, toPage } from '../../lib/pagination'
import { createHarness, createPostgresDatabase } from '../../test/harness'
import type { Harness } from '../../test/harness'
import { apiKeysPageJson } from './api-keys-page'
import { apiKeyStatus, toApiKey } from './repo'

/** The API keys page before the database built it (main at 9a8b44b), as `c.json` serialized it. */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`)
async function referencePage(ex: Executor, query: ListApiKeysQuery, now: Date): Promise<string> {
  const rows = await ex
    .select({ ...getTableColumns(apiKeys), createdByName: users.username, cursorAt: cursorAt(apiKeys.createdAt) })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
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
  return JSON.stringify(toPage(rows, query.limit, (row) => ({ ...toApiKey(row), status: apiKeyStatus(row, now) })))
}

const NOW = new Date('2026-06-01T12:00:00.000Z')

/**
 * Expiry instants carry milliseconds, as the API writes them (a JS Date). Below a millisecond the
 * two differ on purpose: `toApiKey` compared a Date truncated to the millisecond while the status
 * filter compared microseconds in SQL, so a key expiring 1 µs after `now` was listed by
 * `status=active` and shown as expired; the database now decides both at the same precision.
 */
async function seed(ex: Executor) {
  const at = (s: string) => sql`${s}::timestamptz` as never
  const [owner] = await ex
    .insert(users)
    .values({ username: 'owner', displayName: 'Owner', roles: ['admin'] })
    .returning()
  const keys = [
    { prefix: 'tgk_a%1', created: '2026-05-01 00:00:00.999999+00', extra: { createdBy: owner?.id } },
    { prefix: 'tgk_a_2', created: '2026-05-01 00:00:00.999001+00', extra: { expiresAt: at('2026-06-01 12:00:00+00') } },
    {
      prefix: 'tgk_ab3',
      created: '2026-05-01 00:00:00.999500+00',
      extra: { expiresAt: at('2026-06-01 12:00:00.001+00') },
    },
    { prefix: 'tgk_b4', created: '2026-05-02 00:00:00+00', extra: { revokedAt: at('2026-05-03 00:00:00.4567+00') } },
    {
      prefix: 'tgk_b5',
      created: '2026-05-03 00:00:00+00',
      extra: { scopeRunId: randomUUID(), lastUsedAt: at('2026-05-31 23:59:59.9999+00') },
    },
    { prefix: 'tgk_c6', created: '2026-05-04 00:00:00+00', extra: { scopeExpertIds: [randomUUID(), randomUUID()] } },
    {
      prefix: 'tgk_c7',
      created: '2026-05-05 00:00:00+00',
      extra: { scopeFleetId: randomUUID(), name: 'CI "nightly" \\ key' },
    },
  ]
  for (const [i, k] of keys.entries())
    await ex.insert(apiKeys).values({
      name: `key ${i}`,
      prefix: k.prefix,
      secretHash: `hash-${i}`,
      roles: i % 2 ? ['viewer', 'operator'] : [],
      createdAt: at(k.created),
      ...k.extra,
    })
}

const SHAPES: Array<Omit<ListApiKeysQuery, 'limit'>> = []
for (const prefix of [undefined, 'tgk_a', 'tgk_a%', 'tgk_a_', 'zzz'])
  for (const status of [undefined, 'active', 'revoked', 'expired'] as const) SHAPES.push({ prefix, status })

function pageContract(name: string, open: () => Promise<Harness>) {
  describe(`the API keys page built by the database (${name})`, { timeout: 120_000 }, () => {
    let h: Harness
    beforeAll(async () => {
      h = await open()
      await seed(h.database.db)
    })
    afterAll(async () => h?.close())

    it('is byte for byte the mapped page for every filter shape, page size and cursor', async () => {
      const db = h.database.db
      for (const shape of SHAPES)
        for (const limit of [1, 2, 50]) {
          let cursor: string | undefined
          let pages = 0
          do {
            const query: ListApiKeysQuery = { ...shape, limit, cursor }
            const text = await apiKeysPageJson(db, query, NOW)
            expect(text, JSON.stringify(query)).toBe(await referencePage(db, query, NOW))
            cursor = (JSON.parse(text) as { nextCursor: string | null }).nextCursor ?? undefined
          } while (cursor && ++pages < 20)
        }
      const { items } = JSON.parse(await apiKeysPageJson(db, { limit: 50 }, NOW)) as {
        items: Array<Record<string, unknown>>
      }
      expect(items.map((k) => k.status)).toEqual([
        'active',
        'active',
        'active',
        'revoked',
        'active',
        'active',
        'expired',
      ])
      expect(items.map((k) => k.createdBy)).toEqual([null, null, null, null, 'owner', null, null])
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
