import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest'
import { TEST_PASSWORD, createHarness, json } from '../../test/harness'
import type { ErrorBody, Harness } from '../../test/harness'

let h: Harness
let admin: { cookie: string; csrf: string }
beforeAll(async () => {
  h = await createHarness()
  admin = await h.userSession('root', ['admin'])
})
afterAll(() => h.close())

const NEW_PASSWORD = 'plum orchard under winter light'
const issuesOf = async (res: Response) => (await json<ErrorBody>(res)).error.details?.issues as unknown[]
const session = (s: { cookie: string; csrf: string }) => h.request('GET', '/api/v1/auth/session', s)

describe('the password policy', () => {
  it.each(['aaaaaaaaaaaa', 'password1234', 'qwertyuiop12', 'iloveyou2024'])(
    'refuses %s for a new user with 422 on the password field',
    async (password) => {
      const res = await h.request('POST', '/api/v1/admin/users', {
        ...admin,
        body: { username: 'weak', displayName: 'Weak', password, roles: ['viewer'] },
      })
      expect(res.status).toBe(422)
      expect(await issuesOf(res)).toEqual([{ path: 'password', message: expect.any(String) }])
    },
  )

  it('refuses a password built from the user\u2019s own name, and accepts a strong one', async () => {
    const own = await h.request('POST', '/api/v1/admin/users', {
      ...admin,
      body: { username: 'bartholomew', displayName: 'Bart', password: 'bartholomew2024', roles: ['viewer'] },
    })
    expect(own.status).toBe(422)
    const strong = await h.request('POST', '/api/v1/admin/users', {
      ...admin,
      body: { username: 'bartholomew', displayName: 'Bart', password: NEW_PASSWORD, roles: ['viewer'] },
    })
    expect(strong.status).toBe(201)
  })

  it('applies at first-run setup too', async () => {
    const fresh = await createHarness()
    const token = await fresh.services.auth.issueSetupToken()
    const body = { token, username: 'first', displayName: 'First', password: 'password1234' }
    const res = await fresh.request('POST', '/api/v1/auth/setup', { body })
    expect(res.status).toBe(422)
    expect(
      await fresh.request('POST', '/api/v1/auth/setup', { body: { ...body, password: NEW_PASSWORD } }),
    ).toHaveProperty('status', 201)
    await fresh.close()
  }, 120_000)
})

describe('changing one\u2019s password', () => {
  it('needs the current password, ends the other sessions and keeps this one', async () => {
    await h.createUser('carla', ['viewer'])
    const here = await h.signIn('carla')
    const elsewhere = await h.signIn('carla')
    const wrong = await h.request('POST', '/api/v1/auth/password', {
      ...here,
      body: { currentPassword: 'not my password', newPassword: NEW_PASSWORD },
    })
    expect(wrong.status).toBe(422)
    expect(await issuesOf(wrong)).toEqual([{ path: 'currentPassword', message: expect.any(String) }])
    const weak = await h.request('POST', '/api/v1/auth/password', {
      ...here,
      body: { currentPassword: TEST_PASSWORD, newPassword: 'password1234' },
    })
    expect(weak.status).toBe(422)
    expect(await issuesOf(weak)).toEqual([{ path: 'newPassword', message: expect.any(String) }])

    const ok = await h.request('POST', '/api/v1/auth/password', {
      ...here,
      body: { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD },
    })
    expect(ok.status).toBe(200)
    expect(await json(ok)).toEqual({ endedSessions: 1 })
    expect((await session(here)).status).toBe(200)
    expect((await session(elsewhere)).status).toBe(401)
    await expect(h.signIn('carla')).rejects.toThrow(/401/)
    await h.signIn('carla', NEW_PASSWORD)

    const entries = (await h.auditEntries()).filter((e) => e.body.action === 'auth.password_changed')
    expect(entries.map((e) => [e.body.outcome, e.body.details.reason ?? null])).toEqual([
      ['failure', 'wrong_password'],
      ['success', null],
    ])
    expect(JSON.stringify(entries)).not.toContain(NEW_PASSWORD)
  })

  it('counts wrong current passwords like sign-ins', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    onTestFinished(() => void vi.useRealTimers())
    const s = await h.userSession('dora', ['viewer'])
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) {
      const body = { currentPassword: `guess number ${i}`, newPassword: NEW_PASSWORD }
      statuses.push((await h.request('POST', '/api/v1/auth/password', { ...s, body })).status)
    }
    expect(statuses).toEqual([422, 422, 422, 422, 422, 429, 429])
  })

  it('is refused to an API key, which has no password', async () => {
    const key = await h.apiKey(['viewer'])
    const body = { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD }
    expect((await h.request('POST', '/api/v1/auth/password', { bearer: key, body })).status).toBe(403)
  })
})

describe('an admin\u2019s password reset', () => {
  it('issues a one-time link that ends the user\u2019s sessions; the user sets the password', async () => {
    const user = await h.createUser('erik', ['operator'])
    const before = await h.signIn('erik')
    const issued = await h.request('POST', `/api/v1/admin/users/${user.id}/password-reset`, admin)
    expect(issued.status).toBe(201)
    const link = await json<{ resetPath: string; expiresAt: string; endedSessions: number }>(issued)
    expect(link.resetPath).toMatch(/^\/reset-password#token=[A-Za-z0-9_-]{43}$/)
    expect(link.endedSessions).toBe(1)
    expect((await session(before)).status).toBe(401)
    const token = link.resetPath.split('#token=')[1] as string
    const during = await h.signIn('erik')

    const weak = await h.request('POST', '/api/v1/auth/password-reset', {
      body: { token, newPassword: 'password1234' },
    })
    expect(weak.status).toBe(422)
    const done = await h.request('POST', '/api/v1/auth/password-reset', { body: { token, newPassword: NEW_PASSWORD } })
    expect(done.status).toBe(200)
    expect(await json(done)).toEqual({ username: 'erik' })
    expect((await session(during)).status).toBe(401)
    await expect(h.signIn('erik')).rejects.toThrow(/401/)
    await h.signIn('erik', NEW_PASSWORD)

    const again = await h.request('POST', '/api/v1/auth/password-reset', { body: { token, newPassword: NEW_PASSWORD } })
    expect(again.status).toBe(403)
    const actions = (await h.auditEntries()).filter((e) => e.body.resource.id === user.id).map((e) => e.body.action)
    expect(actions).toEqual(expect.arrayContaining(['admin.password_reset_issued', 'auth.password_reset_completed']))
    expect(JSON.stringify(await h.auditEntries())).not.toContain(token)
  })

  it('replaces an earlier link, and refuses an unknown token or user', async () => {
    const user = await h.createUser('fiona', ['viewer'])
    const first = await json<{ resetPath: string }>(
      await h.request('POST', `/api/v1/admin/users/${user.id}/password-reset`, admin),
    )
    await h.request('POST', `/api/v1/admin/users/${user.id}/password-reset`, admin)
    const token = first.resetPath.split('#token=')[1] as string
    const old = await h.request('POST', '/api/v1/auth/password-reset', { body: { token, newPassword: NEW_PASSWORD } })
    expect(old.status).toBe(403)
    expect((await json<ErrorBody>(old)).error.message).toMatch(/not valid/)
    const unknown = '00000000-0000-4000-8000-000000000000'
    expect((await h.request('POST', `/api/v1/admin/users/${unknown}/password-reset`, admin)).status).toBe(404)
    expect((await h.request('POST', `/api/v1/admin/users/${unknown}/unlock-sign-in`, admin)).status).toBe(404)
  })
})
