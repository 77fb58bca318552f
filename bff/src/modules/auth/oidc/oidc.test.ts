import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, json } from '../../../test/harness'
import type { ErrorBody, Harness } from '../../../test/harness'
import { deliverCallback, sessionCookieOf, signInAtProvider } from '../../../test/oidc-flow'
import { startTestOidcProvider } from '../../../test/oidc-provider'
import type { TestOidcProvider } from '../../../test/oidc-provider'
import { parseRoleMap } from './settings'
import type { OidcSettings } from './settings'

const CLIENT = {
  clientId: 'tg-console',
  clientSecret: 'test-client-secret-that-must-never-be-logged',
  redirectUri: 'http://localhost/api/v1/auth/oidc/callback',
}

let provider: TestOidcProvider
let h: Harness

const settingsFor = (issuer: string): OidcSettings => ({
  issuer,
  clientId: CLIENT.clientId,
  clientSecret: CLIENT.clientSecret,
  scopes: 'openid profile email groups',
  groupsClaim: 'groups',
  roleMap: parseRoleMap('tg-admins=admin,tg-ops=operator,tg-release=release-manager+viewer'),
  name: 'Test IdP',
  redirectUri: CLIENT.redirectUri,
})

beforeAll(async () => {
  provider = await startTestOidcProvider({
    client: CLIENT,
    accounts: [
      { sub: 'alice', preferred_username: 'alice', name: 'Alice Admin', groups: ['tg-admins', 'staff'] },
      { sub: 'carol', email: 'carol@example.test', name: 'Carol', groups: ['tg-admins', 'tg-ops'] },
      { sub: 'dave', preferred_username: 'dave', groups: ['staff'] },
      { sub: 'bob-sso', preferred_username: 'Bob', groups: ['tg-ops'] },
      { sub: 'erin', preferred_username: 'erin', groups: ['tg-ops'] },
      { sub: 'frank', preferred_username: 'frank', groups: ['tg-ops'] },
    ],
  })
  h = await createHarness({ config: { oidc: settingsFor(provider.issuer) } })
}, 30_000)
afterAll(async () => {
  await h?.close()
  await provider?.close()
})

const get = (path: string, cookie: string) => h.request('GET', path, { cookie })
const refusalOf = async (res: Response) => (await json<ErrorBody>(res)).error

async function signInAs(login: string, redirect?: string) {
  const answer = await signInAtProvider(h, login, { redirect })
  const res = await deliverCallback(h, answer)
  return { res, cookie: sessionCookieOf(res), answer }
}

describe('single sign-on against a real OpenID provider', () => {
  it('signs a new user in with the roles of their groups and returns to the saved path', async () => {
    const { res, cookie, answer } = await signInAs('alice', '/training?tab=runs')
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/training?tab=runs')
    expect(res.headers.get('set-cookie')).toMatch(/tg_session=[^;]+;.*HttpOnly/i)
    expect(cookie).not.toBeNull()
    const session = await json<{ user: { username: string; displayName: string; roles: string[] }; csrfToken: string }>(
      await get('/api/v1/auth/session', cookie ?? ''),
    )
    expect(session.user).toMatchObject({ username: 'alice', displayName: 'Alice Admin', roles: ['admin'] })
    // An admin-only route works with the session, like after password sign-in.
    const users = await get('/api/v1/admin/users', cookie ?? '')
    expect(users.status).toBe(200)
    const listed = (await json<{ items: { username: string; sso: unknown }[] }>(users)).items
    expect(listed.find((u) => u.username === 'alice')?.sso).toEqual({ issuer: provider.issuer, subject: 'alice' })

    const entries = await h.auditEntries()
    const signIn = entries.find((e) => e.body.action === 'auth.oidc.sign_in')
    expect(signIn?.body).toMatchObject({ outcome: 'success', actor: { name: 'alice' } })
    expect(signIn?.body.details).toMatchObject({ username: 'alice', roles: ['admin'], created: true, subject: 'alice' })
    const code = new URL(answer.callbackPath, 'http://x').searchParams.get('code') ?? ''
    expect(code.length).toBeGreaterThan(10)
    const everything = JSON.stringify(entries) + h.logs.text()
    expect(everything).not.toContain(code)
    expect(everything).not.toContain(CLIENT.clientSecret)
  })

  it('signs the same identity into the same user the next time', async () => {
    const first = await signInAs('erin')
    const second = await signInAs('erin')
    const idOf = async (cookie: string | null) =>
      (await json<{ user: { id: string } }>(await get('/api/v1/auth/session', cookie ?? ''))).user.id
    expect(await idOf(second.cookie)).toBe(await idOf(first.cookie))
  })

  it('never hands a local user to an identity of the same name: the new user gets a free name', async () => {
    await h.createUser('bob', ['viewer'])
    const { cookie } = await signInAs('bob-sso')
    const session = await json<{ user: { username: string; roles: string[] } }>(
      await get('/api/v1/auth/session', cookie ?? ''),
    )
    expect(session.user).toMatchObject({ username: 'bob-2', roles: ['operator'] })
  })

  it('follows the groups at every sign-in: a removed group removes its role and ends the old sessions', async () => {
    const first = await signInAs('carol')
    const before = await json<{ user: { username: string; roles: string[] } }>(
      await get('/api/v1/auth/session', first.cookie ?? ''),
    )
    expect(before.user).toMatchObject({ username: 'carol', roles: ['operator', 'admin'] })

    const carol = provider.accounts.get('carol')
    if (carol) carol.groups = ['tg-ops']
    const second = await signInAs('carol')
    const after = await json<{ user: { roles: string[] } }>(await get('/api/v1/auth/session', second.cookie ?? ''))
    expect(after.user.roles).toEqual(['operator'])
    expect((await get('/api/v1/admin/users', second.cookie ?? '')).status).toBe(403)
    // The session opened while carol was an admin has ended.
    expect((await get('/api/v1/auth/session', first.cookie ?? '')).status).toBe(401)

    const changed = (await h.auditEntries()).find((e) => e.body.action === 'user.roles.changed')
    expect(changed?.body.details).toMatchObject({
      username: 'carol',
      roles: [['operator', 'admin'], ['operator']],
      source: 'oidc',
      endedSessions: 1,
    })
  })

  it('refuses a user in none of the mapped groups with 403 and the reason, and audits it', async () => {
    const answer = await signInAtProvider(h, 'dave')
    const res = await deliverCallback(h, answer, { as: 'api' })
    expect(res.status).toBe(403)
    const error = await refusalOf(res)
    expect(error.code).toBe('SIGN_IN_REFUSED')
    expect(error.details?.reason).toBe('no_mapped_group')
    expect(error.message).toContain('none of the groups')
    expect(error.message).toContain('tg-admins')
    expect(sessionCookieOf(res)).toBeNull()
    const refused = (await h.auditEntries()).filter((e) => e.body.action === 'auth.oidc.refused')
    expect(refused.at(-1)?.body).toMatchObject({ outcome: 'denied' })
    expect(refused.at(-1)?.body.details).toMatchObject({
      reason: 'no_mapped_group',
      subject: 'dave',
      groups: ['staff'],
    })
    const users = JSON.parse(await h.services.admin.listUsers({ limit: 100, q: 'dave' } as never)) as {
      items: unknown[]
    }
    expect(users.items).toHaveLength(0)
  })

  it('ends the sessions of a linked user who has left every mapped group', async () => {
    const before = await signInAs('frank')
    expect((await get('/api/v1/auth/session', before.cookie ?? '')).status).toBe(200)
    const frank = provider.accounts.get('frank')
    if (frank) frank.groups = ['staff']
    const res = await deliverCallback(h, await signInAtProvider(h, 'frank'), { as: 'api' })
    expect((await refusalOf(res)).details?.reason).toBe('no_mapped_group')
    expect((await get('/api/v1/auth/session', before.cookie ?? '')).status).toBe(401)
    const refused = (await h.auditEntries()).filter((e) => e.body.action === 'auth.oidc.refused').at(-1)
    expect(refused?.body.details).toMatchObject({ reason: 'no_mapped_group', username: 'frank', endedSessions: 1 })
  })

  it('sends a refused browser back to the sign-in page with the reason', async () => {
    const answer = await signInAtProvider(h, 'dave', { redirect: '/audit' })
    const res = await deliverCallback(h, answer, { as: 'browser' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/sign-in?error=no_mapped_group')
  })

  it('refuses an answer whose state is not the one this browser started with', async () => {
    const answer = await signInAtProvider(h, 'alice')
    const url = new URL(answer.callbackPath, 'http://x')
    url.searchParams.set('state', 'forged-state-value')
    const res = await deliverCallback(h, { ...answer, callbackPath: `${url.pathname}${url.search}` }, { as: 'api' })
    expect(res.status).toBe(403)
    expect((await refusalOf(res)).details?.reason).toBe('state_mismatch')
    const last = (await h.auditEntries()).at(-1)
    expect(last?.body).toMatchObject({ action: 'auth.oidc.refused', details: { reason: 'state_mismatch' } })
  })

  it('refuses an ID token carrying another nonce than the attempt’s', async () => {
    const answer = await signInAtProvider(h, 'alice', {
      tamper: (url) => url.searchParams.set('nonce', 'a-nonce-of-another-attempt'),
    })
    const res = await deliverCallback(h, answer, { as: 'api' })
    expect(res.status).toBe(403)
    expect((await refusalOf(res)).details?.reason).toBe('nonce_mismatch')
  })

  it('refuses an expired authorization code', async () => {
    const answer = await signInAtProvider(h, 'alice')
    expect(provider.expireCodes()).toBeGreaterThan(0)
    const res = await deliverCallback(h, answer, { as: 'api' })
    expect(res.status).toBe(403)
    expect((await refusalOf(res)).details?.reason).toBe('code_rejected')
  })

  it('uses an attempt once, and only in the browser that started it', async () => {
    const answer = await signInAtProvider(h, 'alice')
    const noCookie = await deliverCallback(h, answer, { as: 'api', attemptCookie: null })
    expect((await refusalOf(noCookie)).details?.reason).toBe('attempt_expired')
    const otherBrowser = await deliverCallback(h, answer, { as: 'api', attemptCookie: 'not-this-browsers-attempt' })
    expect((await refusalOf(otherBrowser)).details?.reason).toBe('attempt_expired')
    expect((await deliverCallback(h, answer)).status).toBe(302)
    const replay = await deliverCallback(h, answer, { as: 'api' })
    expect((await refusalOf(replay)).details?.reason).toBe('attempt_expired')
  })

  it('refuses a user an admin disabled', async () => {
    const { cookie } = await signInAs('erin')
    const me = await json<{ user: { id: string } }>(await get('/api/v1/auth/session', cookie ?? ''))
    const ctx = { actor: { type: 'system' as const, id: null, name: 'test' }, requestId: null, clientIp: null }
    await h.services.admin.updateUser(ctx, me.user.id, { status: 'disabled' })
    const res = await deliverCallback(h, await signInAtProvider(h, 'erin'), { as: 'api' })
    expect((await refusalOf(res)).details?.reason).toBe('account_disabled')
  })

  it('keeps the roles of a linked user with the provider: manual role edits and password resets are 409', async () => {
    const admin = await h.userSession('local-admin', ['admin'])
    const { cookie } = await signInAs('alice')
    const alice = await json<{ user: { id: string } }>(await get('/api/v1/auth/session', cookie ?? ''))
    const edit = await h.request('PATCH', `/api/v1/admin/users/${alice.user.id}`, {
      ...admin,
      body: { roles: ['viewer'] },
    })
    expect(edit.status).toBe(409)
    expect((await refusalOf(edit)).message).toContain('identity provider')
    const rename = await h.request('PATCH', `/api/v1/admin/users/${alice.user.id}`, {
      ...admin,
      body: { displayName: 'Alice A.' },
    })
    expect(rename.status).toBe(200)
    const reset = await h.request('POST', `/api/v1/admin/users/${alice.user.id}/password-reset`, admin)
    expect(reset.status).toBe(409)
  })

  it('starts only towards same-origin paths of the console', async () => {
    for (const redirect of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', '/sign-in?x=1']) {
      const answer = await signInAtProvider(h, 'alice', { redirect })
      const res = await deliverCallback(h, answer)
      expect(res.headers.get('location'), redirect).toBe('/')
    }
  })

  it('tells the console how users sign in here', async () => {
    const res = await h.request('GET', '/api/v1/auth/sign-in-options')
    expect(await json(res)).toEqual({
      sso: { label: 'Test IdP', startPath: '/api/v1/auth/oidc/start' },
      localPasswords: true,
    })
    expect(await json(await h.request('GET', '/api/v1/auth/setup'))).toEqual({ setupRequired: false })
  })
})

describe('single sign-on settings that a server refuses or degrades on', () => {
  it('answers 503 (JSON) or sends the browser back (HTML) when the provider cannot be reached', async () => {
    const down = await createHarness({ config: { oidc: settingsFor('http://127.0.0.1:9') } })
    try {
      const api = await down.request('GET', '/api/v1/auth/oidc/start', { headers: { accept: 'application/json' } })
      expect(api.status).toBe(503)
      expect((await refusalOf(api)).details).toEqual({ dependency: 'oidc' })
      const page = await down.request('GET', '/api/v1/auth/oidc/start?redirect=/audit', {
        headers: { accept: 'text/html' },
      })
      expect(page.status).toBe(302)
      expect(page.headers.get('location')).toBe('/sign-in?error=provider_unavailable&redirect=%2Faudit')
    } finally {
      await down.close()
    }
  })

  it('refuses password sign-in when local passwords are off, and says why', async () => {
    const ssoOnly = await createHarness({ config: { oidc: settingsFor(provider.issuer), localPasswords: false } })
    try {
      await ssoOnly.createUser('local', ['viewer'])
      const res = await ssoOnly.request('POST', '/api/v1/auth/sign-in', {
        body: { username: 'local', password: 'correct horse battery staple' },
      })
      expect(res.status).toBe(403)
      const error = await refusalOf(res)
      expect(error).toMatchObject({ code: 'SIGN_IN_REFUSED', details: { reason: 'password_sign_in_disabled' } })
      expect(String(error.details?.remediation)).toContain('Sign in with Test IdP')
      const options = await json(await ssoOnly.request('GET', '/api/v1/auth/sign-in-options'))
      expect(options).toMatchObject({ localPasswords: false })
    } finally {
      await ssoOnly.close()
    }
  })

  it('answers 501 on the start route when single sign-on is not configured', async () => {
    const plain = await createHarness()
    try {
      const res = await plain.request('GET', '/api/v1/auth/oidc/start', { headers: { accept: 'application/json' } })
      expect(res.status).toBe(501)
      expect(await json(await plain.request('GET', '/api/v1/auth/sign-in-options'))).toEqual({
        sso: null,
        localPasswords: true,
      })
    } finally {
      await plain.close()
    }
  })
})
