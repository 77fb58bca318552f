import { sql } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import { PACKAGE_SORTS, RUN_SORTS } from '@tg/contracts'
import { describe, expect, it } from 'vitest'
import { forEachDatabase, openForBlock, pageThrough, type Open } from '../test/databases'
import { json } from '../test/harness'
import type { ErrorBody, Harness } from '../test/harness'
import { seedPackages, seedRuns } from '../test/list-seed'

// The packages and runs lists page by a keyset cursor on (sort value, id) for every sort and both
// directions. The rows are made to tie on every sort column (same name, size, downloads, epsilon,
// and times equal to the microsecond or a microsecond apart), so that only the id breaks a tie and
// a cursor that lost precision (a millisecond time, a rounded double) would skip or repeat rows.
type Value = string | number | null
type Row = { id: string } & Record<string, Value>

const AT = ['2026-03-01 10:00:00.123001', '2026-03-01 10:00:00.123002', '2026-03-01 10:00:00.123999']
const isoOf = (at: string) => at.replace(' ', 'T') + 'Z'

/** The order the server promises: the value (nulls last in both directions), then the id, both in `order`. */
function expectedOrder(rows: Row[], key: string, order: 'asc' | 'desc'): string[] {
  const sign = order === 'asc' ? 1 : -1
  const compare = (a: Value, b: Value) => (a === b ? 0 : (a as string | number) < (b as string | number) ? -1 : 1)
  return [...rows]
    .sort((a, b) => {
      const [x, y] = [a[key] ?? null, b[key] ?? null]
      if (x === null || y === null) return x === y ? sign * compare(a.id, b.id) : x === null ? 1 : -1
      return sign * compare(x, y) || sign * compare(a.id, b.id)
    })
    .map((r) => r.id)
}

const idsOf = async (h: Harness, query: SQL) =>
  ((await h.database.db.execute(query)) as unknown as { rows: { id: string }[] }).rows

async function seedTiedPackages(h: Harness): Promise<Row[]> {
  await seedPackages(h.database.db, 11)
  const ids = await idsOf(h, sql`select id from tgsp_packages order by id`)
  const rows: Row[] = []
  for (const [i, { id }] of ids.entries()) {
    const row = {
      id,
      modelName: ['alpha', 'beta', 'gamma'][i % 3]!,
      sizeBytes: [100, 2_000_000_000_000][i % 2]!,
      downloads: [5, 5, 7][i % 3]!,
      uploadedAt: AT[i % 3]!,
      status: i % 4 === 0 ? 'signer_revoked' : 'verified',
    }
    await h.database.db
      .execute(sql`update tgsp_packages set model_name = ${row.modelName}, size_bytes = ${row.sizeBytes},
      downloads = ${row.downloads}, uploaded_at = ${row.uploadedAt + '+00'}::timestamptz, status = ${row.status} where id = ${id}`)
    rows.push({ ...row, uploadedAt: isoOf(row.uploadedAt) })
  }
  return rows
}

async function seedTiedRuns(h: Harness): Promise<Row[]> {
  await seedRuns(h.database.db, 10)
  const ids = await idsOf(h, sql`select id from training_runs order by id`)
  const rows: Row[] = []
  for (const [i, { id }] of ids.entries()) {
    const lastReportAt = i % 3 === 0 ? null : AT[i % 2]!
    const row = {
      id,
      name: ['run a', 'run b'][i % 2]!,
      // 0.1 + 0.2 has no short decimal form: a cursor that rounded it would skip or repeat rows.
      epsilonSpent: [0.1 + 0.2, 0.3, 1e-7][i % 3]!,
      createdAt: AT[i % 3]!,
      lastReportAt,
      state: i % 2 === 0 ? 'running' : 'completed',
    }
    await h.database.db.execute(sql`update training_runs set name = ${row.name}, epsilon_spent = ${row.epsilonSpent},
      created_at = ${row.createdAt + '+00'}::timestamptz, state = ${row.state},
      last_report_at = ${lastReportAt === null ? null : lastReportAt + '+00'}::timestamptz where id = ${id}`)
    rows.push({ ...row, createdAt: isoOf(row.createdAt), lastReportAt: lastReportAt && isoOf(lastReportAt) })
  }
  return rows
}

const PACKAGES = '/api/v1/tgsp/packages'
const RUNS = '/api/v1/training/runs'
const byId = (item: { id: string }) => item.id

function suite(name: string, open: Open) {
  describe(`packages and runs by keyset cursor (${name})`, () => {
    let h: Harness
    let viewer: { cookie: string; csrf: string }
    let packages: Row[]
    let runs: Row[]
    const block = openForBlock(`packages and runs by keyset cursor (${name})`, open, async (opened) => {
      ;({ h } = opened)
      viewer = await h.userSession('vera', ['viewer'])
      packages = await seedTiedPackages(h)
      runs = await seedTiedRuns(h)
    })

    const cases = <S extends string>(sorts: readonly S[]) =>
      sorts.flatMap((sort) =>
        (['asc', 'desc'] as const).flatMap((order) => [1, 3].map((limit) => [sort, order, limit] as const)),
      )

    it.each(cases(PACKAGE_SORTS))(
      'packages by %s %s, %i a page: every row once, in order',
      async (sort, order, limit) => {
        if (block.skipped) return
        const seen = await pageThrough(h, viewer, `${PACKAGES}?sort=${sort}&order=${order}`, limit, byId)
        expect(seen).toEqual(expectedOrder(packages, sort, order))
      },
    )

    it.each(cases(RUN_SORTS))('runs by %s %s, %i a page: every row once, in order', async (sort, order, limit) => {
      if (block.skipped) return
      const seen = await pageThrough(h, viewer, `${RUNS}?sort=${sort}&order=${order}`, limit, byId)
      expect(seen).toEqual(expectedOrder(runs, sort, order))
    })

    it('keeps the filters along the cursor', async () => {
      if (block.skipped) return
      const revoked = packages.filter((p) => p.status === 'signer_revoked')
      expect(
        await pageThrough(h, viewer, `${PACKAGES}?status=signer_revoked&sort=modelName&order=asc`, 1, byId),
      ).toEqual(expectedOrder(revoked, 'modelName', 'asc'))
      const running = runs.filter((r) => r.state === 'running')
      expect(await pageThrough(h, viewer, `${RUNS}?state=running&sort=lastReportAt&order=desc`, 2, byId)).toEqual(
        expectedOrder(running, 'lastReportAt', 'desc'),
      )
    })

    it('answers a page with items and nextCursor, and no total or page number', async () => {
      if (block.skipped) return
      for (const path of [`${PACKAGES}?limit=2`, `${RUNS}?limit=2`]) {
        const page = await json<Record<string, unknown>>(await h.request('GET', path, viewer))
        expect(page.nextCursor).toEqual(expect.any(String))
        expect(page).not.toHaveProperty('total')
        expect(page).not.toHaveProperty('page')
      }
    })

    it.each([
      [PACKAGES, 'sort=modelName&order=asc', 'sort=sizeBytes&order=asc'],
      [PACKAGES, 'sort=modelName&order=asc', 'sort=modelName&order=desc'],
      [PACKAGES, 'status=verified', 'status=signer_revoked'],
      [RUNS, 'sort=epsilonSpent', 'sort=createdAt'],
      [RUNS, 'state=running', 'q=run'],
    ])('%s: refuses a cursor made for %s when asked with %s (422)', async (path, made, asked) => {
      if (block.skipped) return
      const first = await json<{ nextCursor: string }>(await h.request('GET', `${path}?${made}&limit=1`, viewer))
      const res = await h.request('GET', `${path}?${asked}&limit=1&cursor=${first.nextCursor}`, viewer)
      expect(res.status).toBe(422)
      const body = await json<ErrorBody>(res)
      expect(body.error.code).toBe('VALIDATION_FAILED')
      expect(body.error.message).toMatch(/another sort or other filters/)
    })

    it.each([
      ['not base64 JSON', 'forged'],
      [
        'a cursor of another list',
        Buffer.from(JSON.stringify(['2026-03-01T10:00:00.123001Z', 'x'])).toString('base64url'),
      ],
      ['a text value where a number goes', null],
    ])('refuses %s (422, no query)', async (_, given) => {
      if (block.skipped) return
      // A well-bound cursor whose value is not a number: made from a real one, value swapped.
      const real = await json<{ nextCursor: string }>(
        await h.request('GET', `${PACKAGES}?sort=sizeBytes&limit=1`, viewer),
      )
      const [scope, , id] = JSON.parse(Buffer.from(real.nextCursor, 'base64url').toString()) as string[]
      const cursor = given ?? Buffer.from(JSON.stringify([scope, '1); drop table users; --', id])).toString('base64url')
      const res = await h.request('GET', `${PACKAGES}?sort=sizeBytes&limit=1&cursor=${cursor}`, viewer)
      expect(res.status).toBe(422)
      expect((await json<ErrorBody>(res)).error.code).toBe('VALIDATION_FAILED')
    })
  })
}

forEachDatabase(suite)
