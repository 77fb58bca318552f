import { eq } from 'drizzle-orm'
import { API_KEY_PREFIX } from '@tg/contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiKeys, users } from '../../db/schema'
import { TEST_PASSWORD, createHarness, createPostgresDatabase, json } from '../../test/harness'
import type { Caller, Harness } from '../../test/harness'

// The cache keeps a credential for a minute here, far longer than any wait below: a credential
// refused within the test is refused because the change invalidated the cache, not by expiry.
const LONG_CACHE = { ttlMs: 60_000, max: 1000 }
const LIST = '/api/v1/admin/users?limit=5'
type KeyBody = { id: string; lastUsedAt: string | null }

const statusOf = async (h: Harness, caller: Caller) => (await h.request('GET', LIST, caller)).status

/** Polls (every 20 ms, up to 3 s: far under the cache's minute) until `caller` gets `status`. */
async function refusedSoon(h: Harness, caller: Caller, status: number): Promise<number> {
  const started = Date.now()
  while (Date.now() - started < 3_000) {
    if ((await statusOf(h, caller)) === status) return Date.now() - started
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`still not ${status} after 3 s`)
}

async function revokeKey(h: Harness, admin: Caller, keyId: string) {
  expect((await h.request('POST', `/api/v1/admin/api-keys/${keyId}/revoke`, admin)).status).toBe(200)
}

async function keyIdOf(h: Harness, secret: string): Promise<string> {
  const prefix = secret.slice(0, API_KEY_PREFIX.length + 8)
  const [row] = await h.database.db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.prefix, prefix))
  if (!row) throw new Error('key not found')
  return row.id
}

describe('cached credentials on one replica (embedded PGlite)', () => {
  let h: Harness
  let admin: Caller
  beforeAll(async () => {
    h = await createHarness({ credentialCache: LONG_CACHE })
    expect(await h.services.credentials.ready).toBe(true)
    admin = await h.userSession('root', ['admin'])
  })
  afterAll(() => h.close())

  it('refuses a revoked API key on the very next request', async () => {
    const secret = await h.apiKey(['admin'])
    const bearer = { bearer: secret }
    expect(await statusOf(h, bearer)).toBe(200)
    expect(await statusOf(h, bearer)).toBe(200) // now served from the cache
    await revokeKey(h, admin, await keyIdOf(h, secret))
    expect(await statusOf(h, bearer)).toBe(401)
  })

  it('applies a role change, a disable, a sign-out and a password change on the very next request', async () => {
    const ops = await h.userSession('olga', ['admin'])
    const other = await h.signIn('olga')
    expect(await statusOf(h, ops)).toBe(200)
    const olga = (await h.database.db.select().from(users).where(eq(users.username, 'olga')))[0]!
    const patch = (body: object) => h.request('PATCH', `/api/v1/admin/users/${olga.id}`, { ...admin, body })

    expect((await patch({ roles: ['viewer'] })).status).toBe(200)
    expect(await statusOf(h, ops)).toBe(403)
    expect((await patch({ roles: ['admin'] })).status).toBe(200)
    expect(await statusOf(h, ops)).toBe(200)

    // Changing the password ends the other session, at once.
    expect(await statusOf(h, other)).toBe(200)
    const changed = await h.request('POST', '/api/v1/auth/password', {
      ...ops,
      body: { currentPassword: TEST_PASSWORD, newPassword: 'another long passphrase 42' },
    })
    expect(changed.status).toBe(200)
    expect(await statusOf(h, other)).toBe(401)
    expect(await statusOf(h, ops)).toBe(200)

    expect((await h.request('POST', '/api/v1/auth/sign-out', ops)).status).toBe(204)
    expect(await statusOf(h, ops)).toBe(401)

    const again = await h.signIn('olga', 'another long passphrase 42')
    expect(await statusOf(h, again)).toBe(200)
    expect((await patch({ status: 'disabled' })).status).toBe(200)
    expect(await statusOf(h, again)).toBe(401)
  })

  it('keeps the last use of a key to the minute', async () => {
    const secret = await h.apiKey(['admin'])
    const id = await keyIdOf(h, secret)
    const lastUsed = async () =>
      (await json<{ items: KeyBody[] }>(await h.request('GET', '/api/v1/admin/api-keys?limit=100', admin))).items.find(
        (k) => k.id === id,
      )?.lastUsedAt
    expect(await lastUsed()).toBeNull()
    expect(await statusOf(h, { bearer: secret })).toBe(200)
    const first = await lastUsed()
    expect(first).not.toBeNull()
    // A use a minute later (the last use set back by hand) writes the new time, cache or not.
    await h.database.db
      .update(apiKeys)
      .set({ lastUsedAt: new Date(Date.parse(first!) - 61_000) })
      .where(eq(apiKeys.id, id))
    h.services.credentials.invalidate()
    expect(await statusOf(h, { bearer: secret })).toBe(200)
    expect(Date.parse((await lastUsed())!)).toBeGreaterThanOrEqual(Date.parse(first!))
  })
})

describe('cached credentials on two replicas over one PostgreSQL', { timeout: 120_000 }, () => {
  let a: Harness
  let b: Harness
  let drop: (() => Promise<void>) | undefined
  let skipped: string | null = null
  let admin: Caller

  beforeAll(async () => {
    const pg = await createPostgresDatabase()
    if ('skip' in pg) {
      skipped = pg.skip
      return
    }
    drop = pg.drop
    a = await createHarness({ target: pg.target, credentialCache: LONG_CACHE })
    b = await createHarness({ target: pg.target, credentialCache: LONG_CACHE, initializeAudit: false })
    expect(await a.services.credentials.ready).toBe(true)
    expect(await b.services.credentials.ready).toBe(true)
    admin = await a.userSession('root', ['admin'])
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
    await drop?.()
  })

  it('refuses on the other replica a key revoked on one', async (ctx) => {
    if (skipped) return ctx.skip()
    const secret = await a.apiKey(['admin'])
    const bearer = { bearer: secret }
    expect(await statusOf(b, bearer)).toBe(200)
    expect(await statusOf(b, bearer)).toBe(200) // cached on B
    expect(await statusOf(a, bearer)).toBe(200) // cached on A
    await revokeKey(a, admin, await keyIdOf(a, secret))
    expect(await statusOf(a, bearer)).toBe(401)
    await refusedSoon(b, bearer, 401)
  })

  it('applies on the other replica a role change, a sign-out and a change made straight in the database', async (ctx) => {
    if (skipped) return ctx.skip()
    const ops = await a.userSession('olga', ['admin'])
    const other = await a.signIn('olga')
    expect(await statusOf(b, ops)).toBe(200)
    expect(await statusOf(b, other)).toBe(200)
    const olga = (await a.database.db.select().from(users).where(eq(users.username, 'olga')))[0]!
    const patch = (body: object) => a.request('PATCH', `/api/v1/admin/users/${olga.id}`, { ...admin, body })

    expect((await patch({ roles: ['viewer'] })).status).toBe(200)
    await refusedSoon(b, ops, 403)
    expect((await patch({ roles: ['admin'] })).status).toBe(200)
    await refusedSoon(b, ops, 200)

    expect((await a.request('POST', '/api/v1/auth/sign-out', ops)).status).toBe(204)
    await refusedSoon(b, ops, 401)

    // As tgctl or a manual fix would: no API call, only the database's own NOTIFY.
    expect(await statusOf(b, other)).toBe(200)
    await a.database.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, olga.id))
    await refusedSoon(b, other, 401)
  })
})
