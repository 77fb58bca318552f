/**
 * `pnpm bench` (rate-limit part): what one request's rate-limit decision costs in each store,
 * `BENCH_RATE_LIMIT_CALLS` (default 2000) sequential `consume` calls over 100 keys, median and
 * p95, in memory, in PostgreSQL and in Redis (each when its server answers).
 */
import { createLogger } from '../src/lib/logger'
import { createMetrics } from '../src/lib/metrics'
import { createRateLimiter } from '../src/lib/rate-limit-store'
import type { RateLimitSettings } from '../src/lib/rate-limit-store'
import { createDatabase } from '../src/db/client'
import { createPostgresDatabase, UNREACHED_RATE_LIMITS } from '../src/test/harness'
import { openTestRedis } from '../src/test/redis'

const CALLS = Number(process.env.BENCH_RATE_LIMIT_CALLS ?? 2000)

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0
}

async function benchStore(label: string, settings: Partial<RateLimitSettings>) {
  const limiter = createRateLimiter(
    { ...UNREACHED_RATE_LIMITS, ...settings },
    { log: createLogger('silent'), metrics: createMetrics() },
  )
  try {
    await limiter.start()
    const times: number[] = []
    for (let i = 0; i < CALLS; i++) {
      const start = performance.now()
      const decision = await limiter.consume('principal', `user:${i % 100}`)
      times.push(performance.now() - start)
      if (!decision.isAllowed) throw new Error('the bench limits were reached')
    }
    const ms = (x: number) => `${x.toFixed(3)} ms`
    console.log(`  ${label}: median ${ms(quantile(times, 0.5))}, p95 ${ms(quantile(times, 0.95))} per decision`)
  } finally {
    await limiter.close()
  }
}

export async function runRateLimitBench(): Promise<void> {
  console.log(`rate limits: ${CALLS} decisions per store`)
  await benchStore('memory', {})
  const pg = await createPostgresDatabase()
  if ('skip' in pg) console.log(`  PostgreSQL skipped: ${pg.skip}`)
  else if (pg.target.kind === 'postgres') {
    const database = createDatabase(pg.target)
    await database.migrate()
    await database.close()
    await benchStore('PostgreSQL', { databaseUrl: pg.target.url })
    await pg.drop()
  }
  const redis = await openTestRedis()
  if ('skip' in redis) console.log(`  Redis skipped: ${redis.skip}`)
  else {
    await benchStore('Redis', { redisUrl: redis.url, keyPrefix: redis.prefix })
    await redis.drop()
  }
}
