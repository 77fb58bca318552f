import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { users } from '../db/schema'
import { createHarness, createPostgresDatabase, json } from './harness'
import type { Harness } from './harness'

let h: Harness
beforeAll(async () => {
  h = await createHarness()
})
afterAll(() => h.close())

describe('logs', () => {
  it('never carry a password, token, API key, CSRF token or cookie value', async () => {
    const secrets: string[] = []
    const setupToken = (await h.services.auth.issueSetupToken()) as string
    const password = 'my very secret passphrase 42'
    secrets.push(setupToken, password)

    const setup = await h.request('POST', '/api/v1/auth/setup', {
      body: { token: setupToken, username: 'root', displayName: 'Root', password },
    })
    expect(setup.status).toBe(201)
    const cookie = /tg_session=([^;]+)/.exec(setup.headers.get('set-cookie') ?? '')?.[1] as string
    const { csrfToken } = await json<{ csrfToken: string }>(setup)
    secrets.push(cookie, csrfToken)

    const keyRes = await h.request('POST', '/api/v1/admin/api-keys', {
      cookie,
      csrf: csrfToken,
      body: { name: 'ci', roles: ['admin'] },
    })
    const { secret } = await json<{ secret: string }>(keyRes)
    secrets.push(secret)

    await h.request('GET', '/api/v1/admin/users?q=root', { bearer: secret })
    await h.request('GET', '/api/v1/admin/users', { bearer: `${secret}x` })
    await h.request('POST', '/api/v1/auth/sign-in', { body: { username: 'root', password: `${password}-wrong` } })
    await h.request('POST', '/api/v1/auth/sign-in', { body: { username: 'root', password } })
    await h.request('POST', '/api/v1/admin/users', {
      cookie,
      csrf: csrfToken,
      rawBody: `{"password":"${password}"`,
      headers: { 'content-type': 'application/json' },
    })
    await h.request('POST', '/api/v1/admin/users', { cookie, csrf: csrfToken, body: { username: 'x', password } })
    // The logger itself redacts secret-named fields, whatever a caller passes.
    h.logs.log.info(
      { password, token: setupToken, headers: { cookie: `tg_session=${cookie}`, authorization: `Bearer ${secret}` } },
      'careless',
    )

    const text = h.logs.text()
    expect(text).toContain('"msg":"request"')
    expect(text).toContain('[REDACTED]')
    for (const value of secrets) expect(text, 'a secret reached the log').not.toContain(value)
    expect(text).not.toContain(`${password}-wrong`)
  })
})

describe('a failed statement in the log', () => {
  const cases = [
    ['the embedded database', async () => ({ h: await createHarness(), drop: async () => undefined })],
    [
      'PostgreSQL',
      async () => {
        const pg = await createPostgresDatabase()
        if ('skip' in pg) return pg
        return { h: await createHarness({ target: pg.target }), drop: pg.drop }
      },
    ],
  ] as const

  it.each(cases)('on %s names the error, never the values', { timeout: 120_000 }, async (name, open) => {
    const opened = await open()
    if ('skip' in opened) {
      console.warn(`failed statements on ${name} skipped: ${opened.skip}`)
      return
    }
    const { h: db, drop } = opened
    try {
      const admin = await db.userSession('admin', ['admin'])
      // Every new user row now fails its check: the statement and its row carry the secrets.
      await db.database.db.execute(sql`alter table users add constraint no_new_users check (false) not valid`)
      const username = 'sekret-username-1f3a'
      const displayName = 'Sekret Display 7c2e'
      const created = await db.request('POST', '/api/v1/admin/users', {
        ...admin,
        body: { username, displayName, password: 'a passphrase nobody else knows', roles: ['viewer'] },
      })
      expect(created.status).toBe(500)
      // A value quoted back by the server itself, and the same error logged in every way code does.
      const quoted = 'sekret-not-a-uuid-9d41'
      const failure = await db.database.db
        .select()
        .from(users)
        .where(eq(users.id, quoted))
        .catch((err: unknown) => err as Error)
      db.logs.log.error({ err: failure }, 'as an object')
      db.logs.log.error(failure as Error)
      db.logs.log.warn({ err: String(failure) }, 'as a string')
      db.logs.log.warn({ err: String((failure as Error).cause) }, 'the cause as a string')

      const text = db.logs.text()
      for (const secret of [username, displayName, quoted, 'scrypt$']) expect(text).not.toContain(secret)
      expect(text).not.toMatch(/params:|Failing row|Key \(/)
      // What an operator needs is still there: the SQLSTATE, the constraint, the statement's shape.
      expect(text).toContain('"code":"23514"')
      expect(text).toContain('"constraint":"no_new_users"')
      expect(text).toContain('"code":"22P02"')
      expect(text).toContain('Failed query: insert into \\"users\\"')
    } finally {
      await db.close()
      await drop()
    }
  })
})
