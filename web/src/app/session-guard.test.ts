import { QueryClient } from '@tanstack/vue-query'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { RouteLocationNormalized } from 'vue-router'
import { createSessionGuard } from './session-guard'
import { titleOf } from './router'

const SESSION = {
  user: { id: '0b3a8f0e-8a5e-4d55-9d0f-3c1f6f7d2a10', username: 'alice', displayName: 'Alice', roles: ['viewer'] },
  csrfToken: 'csrf',
  expiresAt: '2026-11-23T20:00:00.000Z',
}
const UNAUTHENTICATED = { error: { code: 'UNAUTHENTICATED', message: 'Sign in to continue.', requestId: 'r1' } }

function answer(routes: Record<string, [number, unknown]>) {
  vi.stubGlobal('fetch', async (request: Request) => {
    const [status, body] = routes[new URL(request.url).pathname] ?? [
      404,
      { error: { code: 'NOT_FOUND', message: 'x', requestId: 'r' } },
    ]
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
  })
}

const to = (fullPath: string, meta: RouteLocationNormalized['meta'] = {}) =>
  ({ fullPath, path: fullPath.split('?')[0], meta }) as RouteLocationNormalized

async function run(target: RouteLocationNormalized) {
  const guard = createSessionGuard(new QueryClient({ defaultOptions: { queries: { retry: false } } }))
  return guard(target, to('/'), () => undefined)
}

afterEach(() => vi.unstubAllGlobals())

describe('session guard', () => {
  it('lets public routes through without asking for a session', async () => {
    answer({})
    expect(await run(to('/sign-in', { isPublic: true }))).toBe(true)
  })

  it('lets a signed-in user through', async () => {
    answer({ '/api/v1/auth/session': [200, SESSION] })
    expect(await run(to('/admin/users'))).toBe(true)
  })

  it('sends an anonymous visitor to sign-in with the wanted path', async () => {
    answer({ '/api/v1/auth/session': [401, UNAUTHENTICATED], '/api/v1/auth/setup': [200, { setupRequired: false }] })
    expect(await run(to('/admin/users?role=admin'))).toEqual({
      path: '/sign-in',
      query: { redirect: '/admin/users?role=admin' },
    })
  })

  it('sends everyone to setup while no admin exists', async () => {
    answer({ '/api/v1/auth/session': [401, UNAUTHENTICATED], '/api/v1/auth/setup': [200, { setupRequired: true }] })
    expect(await run(to('/'))).toEqual({ path: '/setup' })
  })

  it('lets the page show any other failure itself', async () => {
    answer({
      '/api/v1/auth/session': [503, { error: { code: 'UPSTREAM_UNAVAILABLE', message: 'down', requestId: 'r' } }],
    })
    expect(await run(to('/'))).toBe(true)
  })
})

describe('titleOf', () => {
  it('names the page and the product', () => {
    expect(titleOf({ meta: { title: 'Dashboard' } })).toBe('Dashboard · TensorGuardFlow')
    expect(titleOf({ meta: {} })).toBe('TensorGuardFlow')
  })
})
