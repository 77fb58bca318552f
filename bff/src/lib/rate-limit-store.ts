import { createRequire } from 'node:module'
import type * as IoRedis from 'ioredis'
import type * as Pg from 'pg'
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import type { RateLimiterAbstract } from 'rate-limiter-flexible'
import type { Logger } from 'pino'
import type { Metrics } from './metrics'

export type RateLimitScope = 'address' | 'principal'
export type RateLimitStoreKind = 'redis' | 'postgres' | 'memory' | 'disabled'

export type RateLimitSettings = {
  /** Requests per minute per client address (requests without valid credentials). */
  addressPerMinute: number
  /** Requests per minute per user or API key. */
  principalPerMinute: number
  /** No limits at all (benches): every request passes. */
  isDisabled: boolean
  /** Shared counters in Redis when set. */
  redisUrl: string | undefined
  /** Shared counters in PostgreSQL when set and there is no Redis. */
  databaseUrl: string | undefined
  /** Bounds connecting to the store and each of its answers. */
  timeoutMs: number
  /** Prefix of every counter key (tests share a server: each uses its own). */
  keyPrefix?: string
}

export type RateDecision = { isAllowed: true } | { isAllowed: false; retryAfterMs: number }

/** What readiness reports about the shared store: null when counting happens in this process. */
export type RateLimitStoreHealth = { store: 'redis' | 'postgres'; status: 'ok' | 'unavailable' } | null

export interface RateLimiter {
  readonly store: RateLimitStoreKind
  consume(scope: RateLimitScope, key: string): Promise<RateDecision>
  health(): Promise<RateLimitStoreHealth>
  /** Waits (bounded by the store timeout) until the shared store answers; says so in the log when it does not. */
  start(): Promise<void>
  close(): Promise<void>
}

const WINDOW_S = 60
const TABLE = 'rate_limits'

type Shared = {
  kind: 'redis' | 'postgres'
  build(scope: RateLimitScope, points: number, keyPrefix: string): RateLimiterAbstract
  ping(): Promise<void>
  /** Resolves once connected; rejects after the timeout. */
  connected(): Promise<void>
  close(): Promise<void>
}

function createRedisStore(url: string, timeoutMs: number, onDown: (err: Error) => void): Shared {
  // No offline queue: while Redis is away a command fails at once and the in-memory insurance
  // answers, instead of requests queueing behind a reconnect.
  // Loaded only when used, as the PostgreSQL client below: a server without them does not hold them.
  const { Redis } = createRequire(import.meta.url)('ioredis') as typeof IoRedis
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
  })
  redis.on('error', onDown)
  return {
    kind: 'redis',
    build: (_scope, points, keyPrefix) =>
      new RateLimiterRedis({ storeClient: redis, points, duration: WINDOW_S, keyPrefix, rejectIfRedisNotReady: true }),
    ping: async () => {
      if (redis.status !== 'ready') throw new Error(`Redis connection is ${redis.status}`)
      await redis.ping()
    },
    connected: () =>
      redis.status === 'ready'
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => {
              redis.off('ready', onReady)
              reject(new Error(`Redis did not answer within ${timeoutMs} ms`))
            }, timeoutMs)
            const onReady = () => {
              clearTimeout(timer)
              resolve()
            }
            redis.once('ready', onReady)
          }),
    close: async () => {
      redis.disconnect()
    },
  }
}

function createPostgresStore(url: string, timeoutMs: number, onDown: (err: Error) => void): Shared {
  // Two connections of its own: counting never waits for the application's pool, nor starves it.
  const pg = createRequire(import.meta.url)('pg') as typeof Pg
  const pool = new pg.Pool({
    connectionString: url,
    max: 2,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  })
  pool.on('error', onDown)
  return {
    kind: 'postgres',
    build: (_scope, points, keyPrefix) =>
      new RateLimiterPostgres({
        storeClient: pool,
        storeType: 'pool',
        tableName: TABLE,
        tableCreated: true, // the migration creates it
        points,
        duration: WINDOW_S,
        keyPrefix,
      }),
    ping: async () => {
      await pool.query('select 1')
    },
    connected: async () => {
      await pool.query('select 1')
    },
    close: () => pool.end(),
  }
}

/** No limits (TG_RATE_LIMIT_DISABLED, benches): every request passes, nothing is counted. */
export function disabledRateLimiter(): RateLimiter {
  return {
    store: 'disabled',
    consume: async () => ({ isAllowed: true }),
    health: async () => null,
    start: async () => undefined,
    close: async () => undefined,
  }
}

/**
 * The request limiter: fixed one-minute windows per client address and per principal, counted
 * in Redis when `REDIS_URL` is set, else in PostgreSQL when `DATABASE_URL` is, else in this
 * process (the embedded database is one process). When the shared store fails, each replica
 * counts in its own memory until it answers again (the limits then hold per replica, not per
 * deployment): never unlimited, and never silently: a warning on each change and
 * `tg_rate_limit_store_fallbacks_total` for every decision taken that way.
 */
export function createRateLimiter(settings: RateLimitSettings, deps: { log: Logger; metrics: Metrics }): RateLimiter {
  const { log, metrics } = deps
  const points: Record<RateLimitScope, number> = {
    address: settings.addressPerMinute,
    principal: settings.principalPerMinute,
  }
  if (settings.isDisabled) {
    log.warn('TG_RATE_LIMIT_DISABLED: requests are not rate limited')
    return disabledRateLimiter()
  }
  const prefix = settings.keyPrefix ?? 'tg-rl'
  const memory = {
    address: new RateLimiterMemory({ points: points.address, duration: WINDOW_S, keyPrefix: `${prefix}:address` }),
    principal: new RateLimiterMemory({
      points: points.principal,
      duration: WINDOW_S,
      keyPrefix: `${prefix}:principal`,
    }),
  }
  let isDown = false
  const markDown = (err: unknown) => {
    if (isDown) return
    isDown = true
    metrics.observeRateLimitStore(shared?.kind ?? 'memory', false)
    log.warn(
      { err: err instanceof Error ? err.message : String(err), store: shared?.kind },
      'rate-limit store unavailable: each replica counts in its own memory until it answers again',
    )
  }
  const markUp = () => {
    if (!isDown) return
    isDown = false
    metrics.observeRateLimitStore(shared?.kind ?? 'memory', true)
    log.info({ store: shared?.kind }, 'rate-limit store answers again: limits are shared by every replica')
  }
  const shared: Shared | null = settings.redisUrl
    ? createRedisStore(settings.redisUrl, settings.timeoutMs, markDown)
    : settings.databaseUrl
      ? createPostgresStore(settings.databaseUrl, settings.timeoutMs, markDown)
      : null
  if (shared) metrics.observeRateLimitStore(shared.kind, true)
  const limiters = shared
    ? {
        address: shared.build('address', points.address, `${prefix}:address`),
        principal: shared.build('principal', points.principal, `${prefix}:principal`),
      }
    : memory

  async function consume(scope: RateLimitScope, key: string): Promise<RateDecision> {
    try {
      await limiters[scope].consume(key)
      if (shared) markUp()
      return { isAllowed: true }
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        if (shared) markUp()
        metrics.observeRateLimited(scope)
        return { isAllowed: false, retryAfterMs: err.msBeforeNext }
      }
      if (!shared) throw err
      markDown(err)
      metrics.observeRateLimitFallback(shared.kind)
      try {
        await memory[scope].consume(key)
        return { isAllowed: true }
      } catch (rejected) {
        if (!(rejected instanceof RateLimiterRes)) throw rejected
        metrics.observeRateLimited(scope)
        return { isAllowed: false, retryAfterMs: rejected.msBeforeNext }
      }
    }
  }

  return {
    store: shared?.kind ?? 'memory',
    consume,
    async health() {
      if (!shared) return null
      try {
        await shared.ping()
        return { store: shared.kind, status: 'ok' }
      } catch {
        return { store: shared.kind, status: 'unavailable' }
      }
    },
    async start() {
      await shared?.connected().catch(markDown)
    },
    close: async () => shared?.close(),
  }
}
