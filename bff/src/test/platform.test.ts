import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_PASSWORD, createHarness, json } from './harness'
import type { ErrorBody, Harness } from './harness'

const RUN = {
  name: 'cached',
  baseModel: 'm',
  adapter: {},
  plannedRounds: 3,
  stepsPerRound: 10,
  dp: { noiseMultiplier: 1, clippingNorm: 1, sampleRate: 0.01, delta: 1e-5, epsilonBudget: 5 },
}

let h: Harness
let admin: { cookie: string; csrf: string }
let webDist: string

beforeAll(async () => {
  webDist = mkdtempSync(join(tmpdir(), 'tg-web-'))
  mkdirSync(join(webDist, 'assets'))
  writeFileSync(
    join(webDist, 'index.html'),
    '<!doctype html><title>console</title><script type="module" src="/assets/app-1a2b.js"></script>',
  )
  writeFileSync(join(webDist, 'assets', 'app-1a2b.js'), 'console.log(1)')
  writeFileSync(join(webDist, 'favicon.svg'), '<svg/>')
  h = await createHarness({ config: { webDist, maxJsonBytes: 4096 } })
  admin = await h.userSession('admin', ['admin'])
})
afterAll(() => h.close())

async function expectEnvelope(res: Response, status: number, code: string): Promise<ErrorBody> {
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toContain('application/json')
  const body = await json<ErrorBody>(res)
  expect(body.error.code).toBe(code)
  expect(body.error.message.length).toBeGreaterThan(0)
  expect(body.error.requestId).toBe(res.headers.get('x-request-id'))
  return body
}

describe('bad input always gets the error envelope', () => {
  it('malformed JSON is 400 BAD_REQUEST', async () => {
    const res = await h.request('POST', '/api/v1/admin/users', {
      ...admin,
      rawBody: '{"username":',
      headers: { 'content-type': 'application/json' },
    })
    await expectEnvelope(res, 400, 'BAD_REQUEST')
  })

  it('an unknown API path is 404 NOT_FOUND', async () => {
    await expectEnvelope(await h.request('GET', '/api/v1/nothing-here', admin), 404, 'NOT_FOUND')
    await expectEnvelope(await h.request('DELETE', '/api/v1/admin/users', admin), 404, 'NOT_FOUND')
  })

  it('an oversized body is 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await h.request('POST', '/api/v1/admin/users', {
      ...admin,
      body: { username: 'x', displayName: 'y'.repeat(8000) },
    })
    await expectEnvelope(res, 413, 'PAYLOAD_TOO_LARGE')
  })

  it('a wrong content type is 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await h.request('POST', '/api/v1/admin/users', {
      ...admin,
      rawBody: 'username=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    await expectEnvelope(res, 415, 'UNSUPPORTED_MEDIA_TYPE')
  })

  it('a schema failure is 422 VALIDATION_FAILED with each issue', async () => {
    const res = await h.request('POST', '/api/v1/admin/users', {
      ...admin,
      body: { username: 'A!', displayName: '', password: 'short', roles: ['wizard'] },
    })
    const body = await expectEnvelope(res, 422, 'VALIDATION_FAILED')
    const paths = (body.error.details?.issues as Array<{ path: string }>).map((i) => i.path)
    expect(paths).toEqual(expect.arrayContaining(['username', 'displayName', 'password', 'roles.0']))
  })

  it('an invalid query or path parameter is 422', async () => {
    await expectEnvelope(await h.request('GET', '/api/v1/admin/users?limit=0', admin), 422, 'VALIDATION_FAILED')
    await expectEnvelope(await h.request('GET', '/api/v1/admin/users?cursor=garbage', admin), 422, 'VALIDATION_FAILED')
    const res = await h.request('PATCH', '/api/v1/admin/users/not-a-uuid', { ...admin, body: { displayName: 'x' } })
    await expectEnvelope(res, 422, 'VALIDATION_FAILED')
  })

  it('a missing body on a JSON route is 415, and an empty JSON object is 422, never 500', async () => {
    await expectEnvelope(await h.request('POST', '/api/v1/admin/users', admin), 415, 'UNSUPPORTED_MEDIA_TYPE')
    await expectEnvelope(
      await h.request('POST', '/api/v1/admin/users', { ...admin, body: {} }),
      422,
      'VALIDATION_FAILED',
    )
    await expectEnvelope(
      await h.request('POST', '/api/v1/admin/users', { ...admin, body: null }),
      422,
      'VALIDATION_FAILED',
    )
  })
})

describe('request ids', () => {
  it('echoes a well-formed X-Request-Id and makes one otherwise', async () => {
    const given = await h.request('GET', '/healthz', { headers: { 'x-request-id': 'trace-abc.123' } })
    expect(given.headers.get('x-request-id')).toBe('trace-abc.123')
    const made = await h.request('GET', '/healthz', { headers: { 'x-request-id': 'bad id with spaces' } })
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })
})

describe('operational endpoints', () => {
  it('/healthz and /readyz answer when the database is up', async () => {
    expect(await json(await h.request('GET', '/healthz'))).toEqual({ status: 'ok' })
    const ready = await h.request('GET', '/readyz')
    expect(ready.status).toBe(200)
    expect(await json(ready)).toMatchObject({
      status: 'ready',
      checks: { database: 'ok', migrations: 'ok', auditIntegrity: 'unchecked' },
      auditIntegrity: { status: 'unchecked', finding: null },
    })
  })

  it('/metrics counts requests by route and status and exposes process metrics', async () => {
    await h.request('GET', '/api/v1/admin/users', admin)
    const text = await (await h.request('GET', '/metrics')).text()
    expect(text).toMatch(/tg_http_requests_total\{method="GET",route="\/api\/v1\/admin\/users",status="200"\} \d+/)
    expect(text).toContain('tg_http_request_duration_seconds_bucket')
    expect(text).toContain('tg_process_cpu_user_seconds_total')
  })

  it('serves the OpenAPI document and the interactive docs without inline script', async () => {
    const doc = await json<{ openapi: string; paths: Record<string, unknown> }>(
      await h.request('GET', '/api/openapi.json'),
    )
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toContain('/api/v1/admin/users')
    const html = await (await h.request('GET', '/api/docs')).text()
    expect(html).not.toMatch(/<script>(?!<\/script>)/)
    expect(html).toContain('src="/api/docs/init.js"')
    const bundle = await h.request('GET', '/api/docs/assets/swagger-ui-bundle.js')
    expect(bundle.status).toBe(200)
    expect((await bundle.text()).length).toBeGreaterThan(100_000)
  })

  it('sets the security headers on every response', async () => {
    for (const res of [await h.request('GET', '/'), await h.request('GET', '/api/v1/nope')]) {
      const csp = res.headers.get('content-security-policy') ?? ''
      expect(csp).toContain("script-src 'self'")
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/)
      expect(csp).toContain("frame-ancestors 'none'")
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
    }
  })
})

describe('the console', () => {
  it('falls back to index.html for client routes and revalidates it', async () => {
    const res = await h.request('GET', '/admin/users?q=x')
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('<title>console</title>')
    expect(res.headers.get('cache-control')).toBe('no-cache')
  })

  it('caches hashed assets as immutable and 404s missing ones', async () => {
    const res = await h.request('GET', '/assets/app-1a2b.js')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toContain('immutable')
    expect((await h.request('GET', '/assets/missing-1234.js')).status).toBe(404)
  })

  it('serves other static files with revalidation', async () => {
    const res = await h.request('GET', '/favicon.svg')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-cache')
  })
})

describe('the five services', () => {
  it('are all in this build: the former 501 routes of FedMoE and integrations answer', async () => {
    for (const path of ['/api/v1/fedmoe/experts', '/api/v1/integrations/connectors']) {
      const res = await h.request('GET', path, admin)
      expect(res.status, path).toBe(200)
      expect(((await res.json()) as { items: unknown[] }).items).toEqual([])
    }
  })

  it('report their health beside a healthy database, none of them "not in this build"', async () => {
    const health = await json<{ status: string; components: Array<{ name: string; status: string }> }>(
      await h.request('GET', '/api/v1/system/health', admin),
    )
    expect(health.status).toBe('ok')
    expect(health.components.find((c) => c.name === 'database')?.status).toBe('ok')
    expect(health.components.filter((c) => c.status === 'not_supported')).toEqual([])
    expect(health.components.find((c) => c.name === 'fedmoe')?.status).toBe('ok')
    expect(health.components.find((c) => c.name === 'integrations')).toMatchObject({
      status: 'ok',
      message: '0 connectors, 0 unhealthy; webhook deliveries: 0 queued, 0 dead',
    })
    expect(health.components.find((c) => c.name === 'audit')?.status).toBe('ok')
    expect(health.components.find((c) => c.name === 'training')).toMatchObject({
      status: 'ok',
      message: expect.stringMatching(/^0 runs, 0 active; accountant: \d+ computations? in worker threads, 0 queued$/),
    })
    expect(health.components.find((c) => c.name === 'tgsp')).toMatchObject({
      status: 'ok',
      message: expect.stringMatching(/^0 packages; blob store writable, [\d.]+ \w+ free of /),
      storage: { writable: true, freeBytes: expect.any(Number) },
    })
  })
})

describe('when the database stops answering', () => {
  it('readiness and API routes answer 503 UPSTREAM_UNAVAILABLE, liveness stays up', async () => {
    const h2 = await createHarness()
    const key = await h2.apiKey(['admin'])
    await h2.close()
    const ready = await h2.request('GET', '/readyz')
    const body = await expectEnvelope(ready, 503, 'UPSTREAM_UNAVAILABLE')
    expect(body.error.details).toMatchObject({ dependency: 'database' })
    expect(ready.headers.get('retry-after')).toBe('5')
    const api = await h2.request('GET', '/api/v1/admin/users', { bearer: key })
    await expectEnvelope(api, 503, 'UPSTREAM_UNAVAILABLE')
    expect(api.headers.get('retry-after')).toBe('5')
    const signIn = await h2.request('POST', '/api/v1/auth/sign-in', { body: { username: 'x', password: 'y' } })
    await expectEnvelope(signIn, 503, 'UPSTREAM_UNAVAILABLE')
    expect(signIn.headers.get('retry-after')).toBe('5')
    expect((await h2.request('GET', '/healthz')).status).toBe(200)
  })
})

describe('caching', () => {
  const expectNoStore = (res: Response, what: string) => expect(res.headers.get('cache-control'), what).toBe('no-store')

  // Makes a second app on a fresh database (first-run setup): slow on a busy machine.
  it('no response that carries a secret or the CSRF token may be stored', { timeout: 120_000 }, async () => {
    const fresh = await createHarness()
    try {
      const token = (await fresh.services.auth.issueSetupToken()) as string
      const body = { token, username: 'root', displayName: 'Root', password: 'a long and private passphrase' }
      const setup = await fresh.request('POST', '/api/v1/auth/setup', { body })
      expect(setup.status).toBe(201)
      expectNoStore(setup, 'setup')
    } finally {
      await fresh.close()
    }
    await h.createUser('cache-op', ['operator'])
    const signIn = await h.request('POST', '/api/v1/auth/sign-in', {
      body: { username: 'cache-op', password: TEST_PASSWORD },
    })
    expect(signIn.status).toBe(200)
    expectNoStore(signIn, 'sign-in')
    const op = await h.signIn('cache-op')
    expectNoStore(await h.request('GET', '/api/v1/auth/session', op), 'session')
    const key = await h.request('POST', '/api/v1/admin/api-keys', { ...admin, body: { name: 'k', roles: ['viewer'] } })
    expect(key.status).toBe(201)
    expectNoStore(key, 'API key')
    const run = await h.request('POST', '/api/v1/training/runs', { ...op, body: RUN })
    const { id } = await json<{ id: string }>(run)
    const agent = await h.request('POST', `/api/v1/training/runs/${id}/agent-keys`, { ...op, body: { name: 'a' } })
    expect(agent.status).toBe(201)
    expectNoStore(agent, 'agent key')
  })

  it('every API, probe and error response defaults to no-store; public documents revalidate', async () => {
    for (const path of ['/api/v1/admin/users', '/api/v1/nothing-here', '/healthz', '/readyz', '/metrics'])
      expectNoStore(await h.request('GET', path, admin), path)
    expectNoStore(await h.request('GET', '/api/v1/admin/users'), 'a 401')
    for (const path of ['/api/openapi.json', '/api/docs', '/api/docs/init.js'])
      expect((await h.request('GET', path)).headers.get('cache-control'), path).toBe('no-cache')
  })
})

describe('the Host header', () => {
  const get = (harness: Harness, url: string) => harness.app.request(url, { method: 'GET' })

  it('names a host this server answers for, else 421 MISDIRECTED_REQUEST on every API and console path', async () => {
    for (const url of [
      'http://evil.example/api/v1/admin/users',
      'http://evil.example:8080/api/v1/auth/session',
      'http://127.0.0.1.evil.example/',
      'http://localhost.evil.example/assets/app-1a2b.js',
      'http://10.0.0.7:8080/api/openapi.json',
    ]) {
      const res = await get(h, url)
      await expectEnvelope(res, 421, 'MISDIRECTED_REQUEST')
      expect(res.headers.get('cache-control')).toBe('no-store')
    }
  })

  it('accepts loopback names on any port', async () => {
    for (const host of ['localhost', 'localhost:5173', '127.0.0.1:8080', '[::1]:9']) {
      const res = await get(h, `http://${host}/api/v1/auth/session`)
      expect(res.status, host).toBe(401)
    }
    expect((await get(h, 'http://127.0.0.1/')).status).toBe(200)
  })

  it('answers the probes and metrics whatever the host (orchestrators call them by pod address)', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics'])
      expect((await get(h, `http://10.42.0.17:8080${path}`)).status, path).toBe(200)
  })

  it('accepts the host of TG_PUBLIC_URL and of TG_ALLOWED_HOSTS', { timeout: 120_000 }, async () => {
    const configured = await createHarness({
      config: { publicUrl: 'https://console.example.com', allowedHosts: ['console.internal', '[fd00::7]'] },
    })
    try {
      for (const host of ['console.example.com', 'console.example.com:443', 'console.internal:8080', '[fd00::7]:80'])
        expect((await get(configured, `http://${host}/api/v1/auth/session`)).status, host).toBe(401)
      await expectEnvelope(
        await get(configured, 'http://console.example.org/api/v1/auth/session'),
        421,
        'MISDIRECTED_REQUEST',
      )
    } finally {
      await configured.close()
    }
  })
})
