import { eq, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { users } from '../db/schema'
import { json } from '../test/harness'
import { forEachDatabase, openForBlock, pageThrough, type Open } from '../test/databases'
import type { ErrorBody, Harness } from '../test/harness'
import { encodeCursor } from './pagination'

type Page = { items: { username: string }[]; nextCursor: string | null }

// Five users created within one millisecond (microseconds apart), their ids in the opposite order
// of their times so a comparison at the millisecond or by id alone would get the order wrong.
const SAME_MS = ['2026-03-01 10:00:00.123001', '2026-03-01 10:00:00.123002', '2026-03-01 10:00:00.123003']
const MICROS = [...SAME_MS, '2026-03-01 10:00:00.123004', '2026-03-01 10:00:00.123999']

async function seed(h: Harness) {
  const names: string[] = []
  for (const [i, at] of MICROS.entries()) {
    const name = `same${i}`
    const user = await h.createUser(name, ['publisher'])
    await h.database.db.execute(sql`update users set created_at = ${at + '+00'}::timestamptz where id = ${user.id}`)
    names.push(name)
  }
  return names.reverse() // newest first
}

function suite(name: string, open: Open) {
  describe(`keyset pages within one millisecond (${name})`, () => {
    let h: Harness
    let admin: { cookie: string; csrf: string }
    let newestFirst: string[]
    const block = openForBlock(`keyset pages within one millisecond (${name})`, open, async (opened) => {
      ;({ h } = opened)
      admin = await h.userSession('root', ['admin'])
      newestFirst = await seed(h)
    })

    it.each([1, 2])('sees every row exactly once, in order, with limit %i', async (limit) => {
      if (block.skipped) return
      expect(
        await pageThrough<{ username: string }>(
          h,
          admin,
          '/api/v1/admin/users?role=publisher',
          limit,
          (u) => u.username,
        ),
      ).toEqual(newestFirst)
    })

    it('continues after a cursor that carries microseconds', async () => {
      if (block.skipped) return
      const [same1] = await h.database.db.select({ id: users.id }).from(users).where(eq(users.username, 'same1'))
      const cursor = encodeCursor('2026-03-01T10:00:00.123002Z', same1!.id)
      const page = await json<Page>(
        await h.request('GET', `/api/v1/admin/users?role=publisher&cursor=${cursor}`, admin),
      )
      expect(page.items.map((u) => u.username)).toEqual(['same0'])
    })

    it('refuses a cursor whose instant is not a real one (422, no query)', async () => {
      if (block.skipped) return
      const cursor = encodeCursor('2026-02-31T10:00:00.123002Z', '00000000-0000-4000-8000-000000000000')
      const res = await h.request('GET', `/api/v1/admin/users?cursor=${cursor}`, admin)
      expect(res.status).toBe(422)
      expect((await json<ErrorBody>(res)).error.code).toBe('VALIDATION_FAILED')
    })
  })
}

forEachDatabase(suite)
