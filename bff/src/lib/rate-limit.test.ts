import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, createPostgresDatabase, json } from '../test/harness'
import type { Caller, ErrorBody, Harness } from '../test/harness'
import { openTestRedis } from '../test/redis'
import type { RateLimitSettings } from './rate-limit-store'

const LIMITS = { addressPerMinute: 4, principalPerMinute: 6 }
const HEALTH = '/api/v1/system/health'
const from = (address: string) => ({ headers: { 'x-forwarded-for': address } })

async function expectRateLimited(res: Response) {
  expect(res.status).toBe(429)
  const retryAfter = Number(res.headers.get('retry-after'))
  expect(retryAfter).toBeGreaterThanOrEqual(1)
  expect(retryAfter).toBeLessThanOrEqual(60)
  const body = await json<ErrorBody>(res)
  expect(body.error.code).toBe('RATE_LIMITED')
  expect(body.error.details).toEqual({ retryAfterSeconds: retryAfter })
  expect(body.error.requestId).toBe(res.headers.get('x-request-id'))
}

type Store = { a: Harness; b: Harness; close: () => Promise<void> } | { skip: string }

/**
 * Two apps ("replicas") counting in one store. Each test uses addresses and principals of its
 * own, so that the counts of one test never reach another.
 */
function suite(name: string, open: () => Promise<Store>, isShared: boolean) {
  describe(`request rate limits, ${name}`, () => {
    let a: Harness
    let b: Harness
    let skipped: string | null = null
    let close = async () => undefined as void
    let alice: Caller
    let bob: Caller
    let agent: Caller

    beforeAll(async () => {
      const opened = await open()
      if ('skip' in opened) {
        skipped = opened.skip
        console.warn(`request rate limits, ${name}, skipped: ${opened.skip}`)
        return
      }
      ;({ a, b, close } = opened)
      alice = await a.userSession('alice', ['viewer'])
      bob = await a.userSession('bob', ['viewer'])
      agent = { bearer: await a.apiKey(['operator'], 'agent') }
    }, 60_000)
    afterAll(async () => {
      if (!skipped) await close()
    })

    it('answers 429 with Retry-After past the per-address limit, per address', async (t) => {
      if (skipped) return t.skip()
      for (let i = 0; i < LIMITS.addressPerMinute; i++)
        expect((await a.request('GET', HEALTH, from('198.51.100.1'))).status).toBe(401)
      await expectRateLimited(await a.request('GET', HEALTH, from('198.51.100.1')))
      await expectRateLimited(await a.request('POST', '/api/v1/auth/sign-in', from('198.51.100.1')))
      // Another address is not concerned.
      expect((await a.request('GET', HEALTH, from('198.51.100.2'))).status).toBe(401)
    })

    it('counts signed-in users and API keys each on their own, wherever they come from', async (t) => {
      if (skipped) return t.skip()
      // The address below has used up its anonymous allowance; its users have not.
      for (let i = 0; i < LIMITS.addressPerMinute + 1; i++) await a.request('GET', HEALTH, from('198.51.100.3'))
      for (let i = 0; i < LIMITS.principalPerMinute; i++)
        expect((await a.request('GET', HEALTH, { ...alice, ...from('198.51.100.3') })).status).toBe(200)
      // Alice's seventh request, from another address, still counts for Alice.
      await expectRateLimited(await a.request('GET', HEALTH, { ...alice, ...from('198.51.100.4') }))
      expect((await a.request('GET', HEALTH, { ...bob, ...from('198.51.100.3') })).status).toBe(200)
      for (let i = 0; i < LIMITS.principalPerMinute; i++)
        expect((await a.request('GET', HEALTH, agent)).status).toBe(200)
      await expectRateLimited(await a.request('GET', HEALTH, agent))
      // Invalid credentials count as anonymous, against the address.
      for (let i = 0; i < LIMITS.addressPerMinute; i++)
        expect((await a.request('GET', HEALTH, { bearer: 'tg_nonsense', ...from('198.51.100.5') })).status).toBe(401)
      await expectRateLimited(await a.request('GET', HEALTH, { bearer: 'tg_nonsense', ...from('198.51.100.5') }))
    })

    it('never limits the probes and metrics', async (t) => {
      if (skipped) return t.skip()
      for (let i = 0; i < LIMITS.addressPerMinute + 1; i++) await a.request('GET', HEALTH, from('198.51.100.6'))
      await expectRateLimited(await a.request('GET', HEALTH, from('198.51.100.6')))
      for (const path of ['/healthz', '/readyz', '/metrics'])
        for (let i = 0; i < 3; i++) expect((await a.request('GET', path, from('198.51.100.6'))).status).toBe(200)
      const metrics = await (await a.request('GET', '/metrics')).text()
      expect(metrics).toMatch(/tg_rate_limited_total\{scope="address"\} [1-9]/)
    })

    it(isShared ? 'counts across replicas' : 'counts per process (one process: the embedded database)', async (t) => {
      if (skipped) return t.skip()
      const half = LIMITS.addressPerMinute / 2
      for (let i = 0; i < half; i++) expect((await a.request('GET', HEALTH, from('198.51.100.7'))).status).toBe(401)
      for (let i = 0; i < half; i++) expect((await b.request('GET', HEALTH, from('198.51.100.7'))).status).toBe(401)
      const next = await b.request('GET', HEALTH, from('198.51.100.7'))
      if (isShared) await expectRateLimited(next)
      else expect(next.status).toBe(401)
    })
  })
}

const config = { trustProxy: true }
const limits = (extra: Partial<RateLimitSettings>) => ({ ...LIMITS, ...extra })

suite(
  'in memory',
  async () => {
    const a = await createHarness({ config, rateLimit: limits({}) })
    const b = await createHarness({ config, rateLimit: limits({}) })
    return { a, b, close: async () => void (await Promise.all([a.close(), b.close()])) }
  },
  false,
)

suite(
  'shared through PostgreSQL',
  async () => {
    const pg = await createPostgresDatabase()
    if ('skip' in pg) return pg
    if (pg.target.kind !== 'postgres') throw new Error('expected a PostgreSQL target')
    const rateLimit = limits({ databaseUrl: pg.target.url })
    const a = await createHarness({ target: pg.target, config, rateLimit })
    const b = await createHarness({ target: pg.target, config, rateLimit })
    return {
      a,
      b,
      close: async () => {
        await Promise.all([a.close(), b.close()])
        await pg.drop()
      },
    }
  },
  true,
)

suite(
  'shared through Redis',
  async () => {
    const redis = await openTestRedis()
    if ('skip' in redis) return redis
    const rateLimit = limits({ redisUrl: redis.url, keyPrefix: redis.prefix })
    const a = await createHarness({ config, rateLimit })
    const b = await createHarness({ config, rateLimit })
    const ready = await json<{ checks: { redis?: string } }>(await a.request('GET', '/readyz'))
    expect(ready.checks.redis).toBe('ok')
    return {
      a,
      b,
      close: async () => {
        await Promise.all([a.close(), b.close()])
        await redis.drop()
      },
    }
  },
  true,
)

describe('request rate limits while Redis does not answer', () => {
  let h: Harness
  beforeAll(async () => {
    // A port nothing listens on: every command fails, as when Redis is down.
    h = await createHarness({ config, rateLimit: limits({ redisUrl: 'redis://127.0.0.1:9', timeoutMs: 500 }) })
  })
  afterAll(() => h.close())

  it('keeps limiting in memory, says so in the log and metrics, and reports Redis in readiness', async () => {
    for (let i = 0; i < LIMITS.addressPerMinute; i++)
      expect((await h.request('GET', HEALTH, from('203.0.113.1'))).status).toBe(401)
    await expectRateLimited(await h.request('GET', HEALTH, from('203.0.113.1')))
    expect(h.logs.text()).toContain('rate-limit store unavailable')
    const metrics = await (await h.request('GET', '/metrics')).text()
    expect(metrics).toMatch(/tg_rate_limit_store_fallbacks_total\{store="redis"\} [1-9]/)
    expect(metrics).toContain('tg_rate_limit_store_up{store="redis"} 0')
    const ready = await h.request('GET', '/readyz')
    expect(ready.status).toBe(200)
    expect((await json<{ checks: { redis?: string } }>(ready)).checks.redis).toBe('unavailable')
  })
})
