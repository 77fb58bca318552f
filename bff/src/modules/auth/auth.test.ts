import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest'
import { TEST_PASSWORD, createHarness, json } from '../../test/harness'
import type { ErrorBody, Harness } from '../../test/harness'
import { blockDurationMs } from './throttle'

let h: Harness
beforeAll(async () => {
  h = await createHarness()
})
afterAll(() => h.close())

const signInBody = (username: string, password: string) => ({ body: { username, password } })

describe('first-run setup', () => {
  it('is required until the first admin exists, and needs the one-time token', async () => {
    expect(await json(await h.request('GET', '/api/v1/auth/setup'))).toEqual({ setupRequired: true })
    const token = await h.services.auth.issueSetupToken()
    expect(token).toBeTruthy()
    const body = { username: 'first', displayName: 'First Admin', password: TEST_PASSWORD }

    const wrong = await h.request('POST', '/api/v1/auth/setup', { body: { ...body, token: 'x'.repeat(43) } })
    expect(wrong.status).toBe(403)
    expect(await json(await h.request('GET', '/api/v1/auth/setup'))).toEqual({ setupRequired: true })

    const ok = await h.request('POST', '/api/v1/auth/setup', { body: { ...body, token } })
    expect(ok.status).toBe(201)
    const session = await json<{ user: { username: string; roles: string[] } }>(ok)
    expect(session.user).toMatchObject({ username: 'first', roles: ['admin'] })
    expect(ok.headers.get('set-cookie')).toMatch(/tg_session=.+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Strict/)

    const again = await h.request('POST', '/api/v1/auth/setup', { body: { ...body, username: 'second', token } })
    expect(again.status).toBe(409)
    expect(await json(await h.request('GET', '/api/v1/auth/setup'))).toEqual({ setupRequired: false })
    expect(await h.services.auth.issueSetupToken()).toBeNull()
  })
})

describe('sign-in', () => {
  beforeAll(async () => {
    await h.createUser('alice', ['operator'])
    await h.createUser('mallory', ['viewer'])
  })

  it('sets an HttpOnly SameSite=Strict session cookie and returns the user with a CSRF token', async () => {
    const res = await h.request('POST', '/api/v1/auth/sign-in', signInBody('alice', TEST_PASSWORD))
    expect(res.status).toBe(200)
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Strict')
    expect(cookie).not.toContain('Secure')
    const body = await json<{ user: { username: string }; csrfToken: string }>(res)
    expect(body.user.username).toBe('alice')
    expect(body.csrfToken.length).toBeGreaterThan(20)
  })

  it('marks the cookie Secure under HTTPS', async () => {
    const hs = await createHarness({ config: { publicUrl: 'https://console.example.com' } })
    await hs.createUser('sec', ['viewer'])
    const res = await hs.request('POST', '/api/v1/auth/sign-in', {
      ...signInBody('sec', TEST_PASSWORD),
      headers: { origin: 'https://console.example.com' },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('set-cookie')).toContain('Secure')
    await hs.close()
  })

  it('answers a wrong password and an unknown user the same way, and audits both', async () => {
    for (const [username, password] of [
      ['alice', 'not the password'],
      ['nobody', 'whatever it is'],
    ] as const) {
      const res = await h.request('POST', '/api/v1/auth/sign-in', signInBody(username, password))
      expect(res.status).toBe(401)
      expect((await json<ErrorBody>(res)).error).toMatchObject({
        code: 'INVALID_CREDENTIALS',
        message: 'Wrong username or password.',
      })
    }
    const failures = (await h.auditEntries()).filter((e) => e.body.outcome === 'failure')
    expect(failures.map((f) => f.body.details.reason)).toEqual(
      expect.arrayContaining(['wrong_password', 'unknown_user']),
    )
    expect(JSON.stringify(failures.map((f) => f.canonical))).not.toContain('not the password')
  })

  it('slows repeated failures for one account with 429 and Retry-After, without locking out others', async () => {
    // The clock stands still so that the first block cannot end during the test.
    vi.useFakeTimers({ toFake: ['Date'] })
    onTestFinished(() => void vi.useRealTimers())
    let throttled: Response | undefined
    for (let i = 0; i < 8 && !throttled; i++) {
      const res = await h.request('POST', '/api/v1/auth/sign-in', signInBody('mallory', `wrong password ${i}`))
      if (res.status === 429) throttled = res
      else expect(res.status).toBe(401)
    }
    expect(throttled, 'a 429 after repeated failures').toBeDefined()
    const retryAfter = Number(throttled?.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    const body = await json<ErrorBody>(throttled as Response)
    expect(body.error.code).toBe('RATE_LIMITED')
    expect(body.error.details?.retryAfterSeconds).toBe(retryAfter)
    // Even the right password waits while the account is slowed down.
    expect((await h.request('POST', '/api/v1/auth/sign-in', signInBody('mallory', TEST_PASSWORD))).status).toBe(429)
    // Another account from the same address is not affected yet.
    expect((await h.request('POST', '/api/v1/auth/sign-in', signInBody('alice', TEST_PASSWORD))).status).toBe(200)
  })

  it('grows the wait with each failure and caps it', () => {
    expect(blockDurationMs(4, 5)).toBe(0)
    expect(blockDurationMs(5, 5)).toBe(30_000)
    expect(blockDurationMs(7, 5)).toBe(120_000)
    expect(blockDurationMs(40, 5)).toBe(15 * 60_000)
    expect(blockDurationMs(100_000, 5)).toBe(15 * 60_000)
  })

  it('refuses a disabled user', async () => {
    const user = await h.createUser('gone', ['viewer'])
    const admin = await h.userSession('boss', ['admin'])
    await h.request('PATCH', `/api/v1/admin/users/${user.id}`, { ...admin, body: { status: 'disabled' } })
    expect((await h.request('POST', '/api/v1/auth/sign-in', signInBody('gone', TEST_PASSWORD))).status).toBe(401)
  })
})

describe('sessions', () => {
  it('reads the session, then ends it on sign-out', async () => {
    const s = await h.userSession('sam', ['viewer'])
    const me = await h.request('GET', '/api/v1/auth/session', s)
    expect(me.status).toBe(200)
    expect(await json(me)).toMatchObject({ user: { username: 'sam', roles: ['viewer'] }, csrfToken: s.csrf })
    const out = await h.request('POST', '/api/v1/auth/sign-out', s)
    expect(out.status).toBe(204)
    expect(out.headers.get('set-cookie')).toMatch(/tg_session=;/)
    expect((await h.request('GET', '/api/v1/auth/session', s)).status).toBe(401)
  })

  it('refuses a state-changing request without the CSRF token or from another origin', async () => {
    const s = await h.userSession('carol', ['admin'])
    const noToken = await h.request('POST', '/api/v1/admin/api-keys', {
      cookie: s.cookie,
      body: { name: 'k', roles: ['viewer'] },
    })
    expect(noToken.status).toBe(403)
    expect((await json<ErrorBody>(noToken)).error.code).toBe('CSRF_REJECTED')
    const wrongToken = await h.request('POST', '/api/v1/admin/api-keys', {
      cookie: s.cookie,
      csrf: 'nope',
      body: { name: 'k', roles: ['viewer'] },
    })
    expect(wrongToken.status).toBe(403)
    const crossSite = await h.request('POST', '/api/v1/admin/api-keys', {
      ...s,
      body: { name: 'k', roles: ['viewer'] },
      headers: { origin: 'https://evil.example' },
    })
    expect(crossSite.status).toBe(403)
    expect((await json<ErrorBody>(crossSite)).error.code).toBe('CSRF_REJECTED')
    const ok = await h.request('POST', '/api/v1/admin/api-keys', { ...s, body: { name: 'k', roles: ['viewer'] } })
    expect(ok.status).toBe(201)
  })

  it('refuses a cross-origin sign-in', async () => {
    await h.createUser('dave', ['viewer'])
    const res = await h.request('POST', '/api/v1/auth/sign-in', {
      ...signInBody('dave', TEST_PASSWORD),
      headers: { origin: 'https://evil.example' },
    })
    expect(res.status).toBe(403)
  })
})

describe('API keys as bearer credentials', () => {
  it('authenticate machine clients without CSRF, and stop working once revoked', async () => {
    const admin = await h.userSession('erin', ['admin'])
    const created = await json<{ apiKey: { id: string }; secret: string }>(
      await h.request('POST', '/api/v1/admin/api-keys', { ...admin, body: { name: 'ci', roles: ['admin'] } }),
    )
    const asKey = await h.request('POST', '/api/v1/admin/api-keys', {
      bearer: created.secret,
      body: { name: 'made by a key', roles: ['viewer'] },
      headers: { origin: 'https://anything.example' },
    })
    expect(asKey.status).toBe(201)
    await h.request('POST', `/api/v1/admin/api-keys/${created.apiKey.id}/revoke`, admin)
    const after = await h.request('GET', '/api/v1/admin/users', { bearer: created.secret })
    expect(after.status).toBe(401)
    expect((await json<ErrorBody>(after)).error.message).toMatch(/revoked/)
  })

  it('reject a malformed Authorization header and an expired key', async () => {
    expect((await h.request('GET', '/api/v1/system/health', { headers: { authorization: 'Basic abc' } })).status).toBe(
      401,
    )
    const admin = await h.userSession('frank', ['admin'])
    const past = new Date(Date.now() - 1000).toISOString()
    const created = await json<{ secret: string; apiKey: { status: string } }>(
      await h.request('POST', '/api/v1/admin/api-keys', {
        ...admin,
        body: { name: 'old', roles: ['admin'], expiresAt: past },
      }),
    )
    expect(created.apiKey.status).toBe('expired')
    expect((await h.request('GET', '/api/v1/system/health', { bearer: created.secret })).status).toBe(401)
  })
})
