import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, json } from './harness'
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
