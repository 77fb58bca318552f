import { afterAll, beforeAll, expect } from 'vitest'
import { createHarness, createPostgresDatabase, json, type Caller, type Harness } from './harness'

/** A harness opened for one describe block, and what to undo after it. */
export type Opened<X = object> = { h: Harness; cleanup: () => Promise<void> } & X
export type Open<X = object> = () => Promise<Opened<X> | { skip: string }>
export type HarnessOptions = NonNullable<Parameters<typeof createHarness>[0]>

/** The real app on embedded in-memory PGlite. */
export const openPglite =
  (options: HarnessOptions = {}): Open =>
  async () => ({ h: await createHarness(options), cleanup: async () => undefined })

/** The real app on a PostgreSQL database of its own (dropped after), or why there is none. */
export const openPostgres =
  (options: HarnessOptions = {}): Open =>
  async () => {
    const pg = await createPostgresDatabase()
    if ('skip' in pg) return pg
    return { h: await createHarness({ ...options, target: pg.target }), cleanup: pg.drop }
  }

/** Declares `suite` once on embedded PGlite and once on PostgreSQL, with the same harness options. */
export function forEachDatabase(suite: (name: string, open: Open) => void, options: HarnessOptions = {}) {
  suite('embedded PGlite', openPglite(options))
  suite('PostgreSQL', openPostgres(options))
}

/**
 * Opens the harness before the block's tests (then runs `setup` on it) and closes it after.
 * When the database is not there, `skipped` says why (printed once); tests then call `t.skip()`.
 */
export function openForBlock<X>(name: string, open: Open<X>, setup: (opened: Opened<X>) => Promise<void> | void) {
  const state: { skipped: string | null; opened: Opened<X> | null } = { skipped: null, opened: null }
  beforeAll(async () => {
    const opened = await open()
    if ('skip' in opened) {
      state.skipped = opened.skip
      console.warn(`${name} skipped: ${opened.skip}`)
      return
    }
    state.opened = opened
    await setup(opened)
  }, 180_000)
  afterAll(async () => {
    await state.opened?.h.close()
    await state.opened?.cleanup()
  })
  return state
}

/** Follows `nextCursor` from the first page of `path` at `limit`, returning `pick` of every item seen. */
export async function pageThrough<T>(
  h: Harness,
  caller: Caller,
  path: string,
  limit: number,
  pick: (item: T) => string,
): Promise<string[]> {
  const seen: string[] = []
  let cursor: string | null = null
  for (let guard = 0; guard < 20; guard++) {
    const query = `limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`
    const res = await h.request('GET', `${path}${path.includes('?') ? '&' : '?'}${query}`, caller)
    expect(res.status, await res.clone().text()).toBe(200)
    const page = await json<{ items: T[]; nextCursor: string | null }>(res)
    seen.push(...page.items.map(pick))
    cursor = page.nextCursor
    if (!cursor) return seen
  }
  throw new Error('paging did not end')
}
