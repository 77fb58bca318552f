import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../../../env'
import { groupsOfClaims, parseRoleMap, rolesOfGroups } from './settings'
import { baseUsernameOf } from './identity'

const OIDC = {
  TG_PUBLIC_URL: 'https://console.example.test/',
  TG_OIDC_ISSUER: 'https://idp.example.test/realms/tg',
  TG_OIDC_CLIENT_ID: 'tg-console',
  TG_OIDC_CLIENT_SECRET: 'secret',
  TG_OIDC_ROLE_MAP: 'tg-admins=admin, tg-ops=operator+viewer',
}

const problemOf = (env: Record<string, string>) => {
  try {
    parseConfig(env)
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as Error).message
  }
  throw new Error('parseConfig accepted it')
}

describe('single sign-on configuration', () => {
  it('is off by default, with passwords on', () => {
    expect(parseConfig({})).toMatchObject({ oidc: undefined, localPasswords: true })
  })

  it('reads TG_OIDC_* with their defaults and the redirect URI under TG_PUBLIC_URL', () => {
    const { oidc, localPasswords } = parseConfig({ ...OIDC, TG_OIDC_LOCAL_PASSWORDS: 'false' })
    expect(localPasswords).toBe(false)
    expect(oidc).toMatchObject({
      issuer: OIDC.TG_OIDC_ISSUER,
      clientId: 'tg-console',
      scopes: 'openid profile email',
      groupsClaim: 'groups',
      name: 'Single sign-on',
      redirectUri: 'https://console.example.test/api/v1/auth/oidc/callback',
    })
    expect([...(oidc?.roleMap ?? [])]).toEqual([
      ['tg-admins', ['admin']],
      ['tg-ops', ['operator', 'viewer']],
    ])
  })

  it('refuses to start with an incomplete or unsafe setup, naming each problem', () => {
    const message = problemOf({ TG_OIDC_ISSUER: 'http://idp.example.test', TG_OIDC_SCOPES: 'profile' })
    expect(message).toContain('TG_OIDC_ISSUER must be an https URL')
    expect(message).toContain('TG_OIDC_CLIENT_ID is required')
    expect(message).toContain('TG_PUBLIC_URL is required')
    expect(message).toContain('TG_OIDC_SCOPES must include openid')
    expect(message).toContain('TG_OIDC_ROLE_MAP')
    expect(problemOf({ ...OIDC, TG_OIDC_ROLE_MAP: 'tg-admins=root' })).toContain('"tg-admins=root"')
    expect(problemOf({ ...OIDC, TG_OIDC_ROLE_MAP: 'a=admin,a=viewer' })).toContain('named twice')
    expect(problemOf({ TG_OIDC_LOCAL_PASSWORDS: 'false' })).toContain('nobody could sign in')
  })

  it('accepts plain http only for a loopback issuer', () => {
    expect(parseConfig({ ...OIDC, TG_OIDC_ISSUER: 'http://127.0.0.1:4000' }).oidc?.issuer).toBe('http://127.0.0.1:4000')
  })
})

describe('groups to roles', () => {
  const map = parseRoleMap('tg-admins=admin,tg-ops=operator,tg-release=release-manager+viewer')
  it('grants the union of the mapped groups, in role order, and nothing for unmapped groups', () => {
    expect(rolesOfGroups(map, ['tg-release', 'tg-ops', 'staff'])).toEqual(['viewer', 'operator', 'release-manager'])
    expect(rolesOfGroups(map, ['staff'])).toEqual([])
  })
  it('reads the groups claim as a list or a single name', () => {
    expect(groupsOfClaims({ groups: ['a', 1, 'b'] }, 'groups')).toEqual(['a', 'b'])
    expect(groupsOfClaims({ roles: 'a' }, 'roles')).toEqual(['a'])
    expect(groupsOfClaims({}, 'groups')).toEqual([])
  })
})

describe('usernames of new single sign-on users', () => {
  it('come from preferred_username, else the email, made valid', () => {
    expect(baseUsernameOf({ preferred_username: 'Zoë Müller' })).toBe('zoe-muller')
    expect(baseUsernameOf({ email: 'Jane.Doe+tg@example.test' })).toBe('jane.doe-tg')
    expect(baseUsernameOf({ preferred_username: 'ann@corp.example' })).toBe('ann')
    expect(baseUsernameOf({ preferred_username: '__' })).toBe('sso-user')
    expect(baseUsernameOf({ preferred_username: 'x'.repeat(100) })).toHaveLength(56)
  })
})
