import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiKeys } from '../../db/schema'
import { TEST_PASSWORD, createHarness, json } from '../../test/harness'
import type { ErrorBody, Harness } from '../../test/harness'

let h: Harness
let admin: { cookie: string; csrf: string }
beforeAll(async () => {
  h = await createHarness()
  admin = await h.userSession('root', ['admin'])
})
afterAll(() => h.close())

type UserBody = { id: string; username: string; roles: string[]; status: string }
type Page<T> = { items: T[]; nextCursor: string | null }

describe('users', () => {
  it('creates a user who can sign in, and audits it in the same transaction', async () => {
    const res = await h.request('POST', '/api/v1/admin/users', {
      ...admin,
      body: {
        username: 'Olivia',
        displayName: 'Olivia Ops',
        password: TEST_PASSWORD,
        roles: ['operator', 'operator', 'auditor'],
      },
    })
    expect(res.status).toBe(201)
    const user = await json<UserBody>(res)
    expect(user).toMatchObject({ username: 'olivia', roles: ['operator', 'auditor'], status: 'active' })
    expect(JSON.stringify(user)).not.toContain('scrypt')
    await h.signIn('olivia')
    const entry = (await h.auditEntries()).find((e) => e.resourceId === user.id)
    expect(entry?.body).toMatchObject({ action: 'admin.user_created', actor: { name: 'root' }, outcome: 'success' })
  })

  it('refuses a taken username with 409 and writes nothing', async () => {
    const before = (await h.auditEntries()).length
    const res = await h.request('POST', '/api/v1/admin/users', {
      ...admin,
      body: { username: 'olivia', displayName: 'Again', password: TEST_PASSWORD, roles: ['viewer'] },
    })
    expect(res.status).toBe(409)
    expect((await json<ErrorBody>(res)).error.message).toContain('taken')
    expect((await h.auditEntries()).length).toBe(before)
  })

  it('lists newest first with filters and cursor pages', async () => {
    for (const name of ['pat1', 'pat2', 'pat3']) await h.createUser(name, ['publisher'])
    const first = await json<Page<UserBody>>(
      await h.request('GET', '/api/v1/admin/users?role=publisher&limit=2', admin),
    )
    expect(first.items.map((u) => u.username)).toEqual(['pat3', 'pat2'])
    expect(first.nextCursor).not.toBeNull()
    const second = await json<Page<UserBody>>(
      await h.request('GET', `/api/v1/admin/users?role=publisher&limit=2&cursor=${first.nextCursor}`, admin),
    )
    expect(second.items.map((u) => u.username)).toEqual(['pat1'])
    expect(second.nextCursor).toBeNull()
    const search = await json<Page<UserBody>>(await h.request('GET', '/api/v1/admin/users?q=OLIV', admin))
    expect(search.items.map((u) => u.username)).toEqual(['olivia'])
    const none = await json<Page<UserBody>>(await h.request('GET', '/api/v1/admin/users?q=%25', admin))
    expect(none.items).toEqual([])
  })

  it('changes roles, which take effect on the next request', async () => {
    const user = await h.createUser('vera', ['viewer'])
    const vera = await h.signIn('vera')
    expect((await h.request('GET', '/api/v1/admin/users', vera)).status).toBe(403)
    const res = await h.request('PATCH', `/api/v1/admin/users/${user.id}`, { ...admin, body: { roles: ['admin'] } })
    expect(await json(res)).toMatchObject({ roles: ['admin'] })
    expect((await h.request('GET', '/api/v1/admin/users', vera)).status).toBe(200)
  })

  it('disabling a user ends their sessions', async () => {
    const user = await h.createUser('dan', ['viewer'])
    const dan = await h.signIn('dan')
    const res = await h.request('PATCH', `/api/v1/admin/users/${user.id}`, { ...admin, body: { status: 'disabled' } })
    expect(await json(res)).toMatchObject({ status: 'disabled' })
    expect((await h.request('GET', '/api/v1/auth/session', dan)).status).toBe(401)
    const back = await h.request('PATCH', `/api/v1/admin/users/${user.id}`, { ...admin, body: { status: 'active' } })
    expect(await json(back)).toMatchObject({ status: 'active' })
  })

  it('never removes the last active admin', async () => {
    const h2 = await createHarness()
    const only = await h2.createUser('solo', ['admin'])
    const s = await h2.signIn('solo')
    for (const body of [{ roles: ['viewer'] }, { status: 'disabled' }]) {
      const res = await h2.request('PATCH', `/api/v1/admin/users/${only.id}`, { ...s, body })
      expect(res.status).toBe(409)
      expect((await json<ErrorBody>(res)).error.message).toContain('last active admin')
    }
    await h2.close()
  })

  it('answers 404 for an unknown user and 422 for an empty change', async () => {
    const unknown = await h.request('PATCH', '/api/v1/admin/users/00000000-0000-4000-8000-000000000000', {
      ...admin,
      body: { displayName: 'x' },
    })
    expect(unknown.status).toBe(404)
    const user = await h.createUser('ned', ['viewer'])
    expect((await h.request('PATCH', `/api/v1/admin/users/${user.id}`, { ...admin, body: {} })).status).toBe(422)
  })
})

describe('API keys', () => {
  it('shows the secret once, stores only its hash, and lists by prefix', async () => {
    const res = await h.request('POST', '/api/v1/admin/api-keys', {
      ...admin,
      body: { name: 'trainer', roles: ['operator'] },
    })
    expect(res.status).toBe(201)
    const created = await json<{ apiKey: { id: string; prefix: string; createdBy: string }; secret: string }>(res)
    expect(created.secret).toMatch(/^tgk_[A-Za-z0-9_-]{43}$/)
    expect(created.secret.startsWith(created.apiKey.prefix)).toBe(true)
    expect(created.apiKey.createdBy).toBe('root')

    const [row] = await h.database.db.select().from(apiKeys).where(eq(apiKeys.id, created.apiKey.id))
    expect(JSON.stringify(row)).not.toContain(created.secret.slice(12))

    const listed = await h.request('GET', `/api/v1/admin/api-keys?prefix=${created.apiKey.prefix}`, admin)
    const page = await json<Page<{ id: string }>>(listed)
    expect(page.items.map((k) => k.id)).toEqual([created.apiKey.id])
    expect(JSON.stringify(page)).not.toContain(created.secret)
  })

  it('revokes once; a second revoke is 409 and an unknown key 404', async () => {
    const created = await json<{ apiKey: { id: string } }>(
      await h.request('POST', '/api/v1/admin/api-keys', { ...admin, body: { name: 'temp', roles: ['viewer'] } }),
    )
    const path = `/api/v1/admin/api-keys/${created.apiKey.id}/revoke`
    const res = await h.request('POST', path, admin)
    expect(await json(res)).toMatchObject({ status: 'revoked' })
    expect((await h.request('POST', path, admin)).status).toBe(409)
    expect(
      (await h.request('POST', '/api/v1/admin/api-keys/00000000-0000-4000-8000-000000000000/revoke', admin)).status,
    ).toBe(404)
    const revoked = await json<Page<{ id: string }>>(
      await h.request('GET', '/api/v1/admin/api-keys?status=revoked', admin),
    )
    expect(revoked.items.map((k) => k.id)).toContain(created.apiKey.id)
    const active = await json<Page<{ id: string }>>(
      await h.request('GET', '/api/v1/admin/api-keys?status=active', admin),
    )
    expect(active.items.map((k) => k.id)).not.toContain(created.apiKey.id)
  })
})

describe('dashboard overview', () => {
  it('counts users and keys and lists recent sign-ins from the audit table', async () => {
    const res = await h.request('GET', '/api/v1/dashboard/overview', admin)
    expect(res.status).toBe(200)
    const body = await json<{
      users: { total: number; active: number; recent: unknown[] }
      apiKeys: { active: number; revoked: number }
      recentSignIns: Array<{ username: string; outcome: string }>
    }>(res)
    expect(body.users.total).toBeGreaterThanOrEqual(6)
    expect(body.users.recent).toHaveLength(5)
    expect(body.apiKeys.revoked).toBeGreaterThanOrEqual(1)
    expect(body.recentSignIns[0]).toMatchObject({ outcome: 'success' })
    expect(body.recentSignIns.map((s) => s.username)).toContain('root')
  })

  it('is empty, not invented, on a fresh database', async () => {
    const h2 = await createHarness()
    const key = await h2.apiKey(['auditor'])
    const body = await json<{ users: { total: number }; recentSignIns: unknown[]; apiKeys: { active: number } }>(
      await h2.request('GET', '/api/v1/dashboard/overview', { bearer: key }),
    )
    expect(body.users.total).toBe(0)
    expect(body.recentSignIns).toEqual([])
    expect(body.apiKeys.active).toBe(1)
    await h2.close()
  })

  it("lists the first admin's setup as a sign-in, since it opened that admin's session", async () => {
    const h2 = await createHarness()
    const token = await h2.services.auth.issueSetupToken()
    const setup = await h2.request('POST', '/api/v1/auth/setup', {
      body: { token, username: 'first', displayName: 'First Admin', password: TEST_PASSWORD },
    })
    expect(setup.status).toBe(201)
    const key = await h2.apiKey(['auditor'])
    const body = await json<{ recentSignIns: Array<{ username: string; outcome: string }> }>(
      await h2.request('GET', '/api/v1/dashboard/overview', { bearer: key }),
    )
    expect(body.recentSignIns).toEqual([expect.objectContaining({ username: 'first', outcome: 'success' })])
    await h2.close()
  })
})
