import { Redis } from 'ioredis'

const REDIS_TEST_URL = process.env.TG_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/**
 * The local Redis for tests, with a key prefix of the test's own and the way to delete what it
 * wrote; the reason instead when no Redis server answers, so that the suite says why it skips.
 */
export async function openTestRedis(): Promise<
  { url: string; prefix: string; drop: () => Promise<void> } | { skip: string }
> {
  const probe = new Redis(REDIS_TEST_URL, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  })
  probe.on('error', () => undefined)
  try {
    await probe.connect()
    await probe.ping()
  } catch (err) {
    probe.disconnect()
    return { skip: `Redis not reachable at ${REDIS_TEST_URL} (${(err as Error).message})` }
  }
  const prefix = `tg-test-${process.pid}-${Date.now().toString(36)}`
  return {
    url: REDIS_TEST_URL,
    prefix,
    drop: async () => {
      let cursor = '0'
      do {
        const [next, keys] = await probe.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
        if (keys.length > 0) await probe.del(...keys)
        cursor = next
      } while (cursor !== '0')
      probe.disconnect()
    },
  }
}
