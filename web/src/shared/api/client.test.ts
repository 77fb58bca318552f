import { getSessionRoute, listTrainingRunsRoute, listUsersRoute, signOutRoute, updateUserRoute } from '@tg/contracts'
import { afterEach, describe, expect, it } from 'vitest'
import { ApiError } from './api-error'
import { createApiClient } from './client'
import { getCsrfToken, setCsrfToken } from './csrf'

const BASE = 'http://console.test'
const USER = {
  id: '0b3a8f0e-8a5e-4d55-9d0f-3c1f6f7d2a10',
  username: 'alice',
  displayName: 'Alice',
  roles: ['admin'],
  status: 'active',
  createdAt: '2026-11-23T12:00:00.000Z',
  lastSignInAt: null,
  signInBlockedUntil: null,
  sso: null,
}

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', 'X-Request-Id': 'req-header', ...headers },
  })
}

function clientAnswering(answer: (request: Request) => Response | Promise<Response>) {
  const requests: Request[] = []
  const client = createApiClient({
    baseUrl: BASE,
    fetch: async (request) => {
      requests.push(request)
      return answer(request)
    },
  })
  return { client, requests }
}

async function caught(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ApiError) return error
    throw error
  }
  throw new Error('expected the request to fail')
}

afterEach(() => setCsrfToken(null))

describe('api client', () => {
  it('returns the parsed body of a success that matches its schema', async () => {
    const { client, requests } = clientAnswering(() => json(200, { items: [USER], nextCursor: null }))
    const page = await client.request(listUsersRoute, { params: { query: { q: 'ali', role: 'admin' } } })
    expect(page.items[0]?.username).toBe('alice')
    expect(requests[0]?.url).toBe(`${BASE}/api/v1/admin/users?q=ali&role=admin`)
    expect(requests[0]?.credentials).toBe('same-origin')
  })

  it('turns an error envelope into an ApiError with its code, status, request id and details', async () => {
    const envelope = {
      error: {
        code: 'FORBIDDEN',
        message: 'Your roles do not allow this.',
        requestId: 'req-1',
        details: { requiredRoles: ['admin'] },
      },
    }
    const { client } = clientAnswering(() => json(403, envelope))
    const error = await caught(client.request(listUsersRoute))
    expect(error).toMatchObject({
      status: 403,
      code: 'FORBIDDEN',
      requestId: 'req-1',
      message: 'Your roles do not allow this.',
    })
    expect(error.details).toEqual({ requiredRoles: ['admin'] })
  })

  it('parses the error envelope of a route that has no success response (501 NOT_SUPPORTED)', async () => {
    const envelope = {
      error: {
        code: 'NOT_SUPPORTED',
        message: 'Training is not available.',
        requestId: 'req-2',
        details: { remediation: 'Upgrade.' },
      },
    }
    const { client } = clientAnswering(() => json(501, envelope))
    const error = await caught(client.request(listTrainingRunsRoute))
    expect(error).toMatchObject({ status: 501, code: 'NOT_SUPPORTED', details: { remediation: 'Upgrade.' } })
  })

  it('reports a success body that fails its schema as CONTRACT_VIOLATION and never returns it', async () => {
    const { client } = clientAnswering(() => json(200, { items: [{ ...USER, roles: ['root'] }], nextCursor: null }))
    const error = await caught(client.request(listUsersRoute))
    expect(error).toMatchObject({ status: 502, code: 'CONTRACT_VIOLATION', requestId: 'req-header' })
  })

  it('reports a non-JSON success and an undocumented success status as CONTRACT_VIOLATION', async () => {
    const html = clientAnswering(() => new Response('<!doctype html>', { status: 200 }))
    expect((await caught(html.client.request(listUsersRoute))).code).toBe('CONTRACT_VIOLATION')
    const created = clientAnswering(() => json(201, { items: [], nextCursor: null }))
    expect((await caught(created.client.request(listUsersRoute))).code).toBe('CONTRACT_VIOLATION')
  })

  it('reports an error body that is not an envelope as CONTRACT_VIOLATION', async () => {
    const { client } = clientAnswering(() => json(404, { message: 'nope' }))
    const error = await caught(client.request(listUsersRoute))
    expect(error).toMatchObject({ status: 502, code: 'CONTRACT_VIOLATION', requestId: 'req-header' })
  })

  it('reports a gateway error page as UPSTREAM_UNAVAILABLE with its status', async () => {
    const { client } = clientAnswering(() => new Response('Bad gateway', { status: 504 }))
    const error = await caught(client.request(listUsersRoute))
    expect(error).toMatchObject({ status: 504, code: 'UPSTREAM_UNAVAILABLE' })
  })

  it('reports a network failure as 503 UPSTREAM_UNAVAILABLE without a request id', async () => {
    const { client } = clientAnswering(() => {
      throw new TypeError('Failed to fetch')
    })
    const error = await caught(client.request(listUsersRoute))
    expect(error).toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE', requestId: null })
  })

  it('keeps the CSRF token of the session and sends it on state-changing requests only', async () => {
    const session = {
      user: { id: USER.id, username: 'alice', displayName: 'Alice', roles: ['admin'] },
      csrfToken: 'csrf-123',
      expiresAt: '2026-11-23T20:00:00.000Z',
    }
    const { client, requests } = clientAnswering((request) => {
      if (request.url.endsWith('/auth/session')) return json(200, session)
      if (request.url.endsWith('/auth/sign-out')) return new Response(null, { status: 204 })
      return json(200, USER)
    })
    await client.request(getSessionRoute)
    expect(getCsrfToken()).toBe('csrf-123')
    await client.request(listUsersRoute).catch(() => undefined)
    await client.request(updateUserRoute, { params: { path: { userId: USER.id } }, body: { status: 'disabled' } })
    expect(requests[1]?.headers.get('X-CSRF-Token')).toBeNull()
    expect(requests[2]?.headers.get('X-CSRF-Token')).toBe('csrf-123')
    await expect(client.request(signOutRoute)).resolves.toBeUndefined()
    expect(getCsrfToken()).toBeNull()
  })
})
