import { afterAll, describe, expect, it } from 'vitest'
import { call, startReplica, until } from './replica-process'
import type { Replica } from './replica-process'
import { firstAdminKey, printFigures, serverEnv, verifiedLog } from './fault-support'
import { startOwnPostgres } from './own-postgres'

// The database stopped and started again while a real server process runs on it: a PostgreSQL
// cluster of this test's own (pg_ctl stop -m fast / start), so the shared one stays up.

/** The stated bound: the console serves again within this after the database is back. */
const RECOVERY_BOUND_MS = 20_000

const postgres = await startOwnPostgres()
if ('skip' in postgres) console.warn(`[faults-database.test] skipped: ${postgres.skip}`)
let server: Replica | undefined
afterAll(async () => {
  if (server?.child.exitCode === null) server.child.kill('SIGKILL')
  if ('destroy' in postgres) await postgres.destroy()
})

type Envelope = { error: { code: string; message: string; details?: Record<string, unknown> } }

describe('the database stopped and started while the console runs', () => {
  it.skipIf('skip' in postgres)(
    'answers 503 with the reason and Retry-After while it is down, and recovers by itself',
    { timeout: 90_000 },
    async () => {
      if (!('url' in postgres)) return
      server = await startReplica(
        'console',
        serverEnv('outage', { DATABASE_URL: postgres.url, TG_DB_TIMEOUT_MS: '2000' }),
      )
      const key = await firstAdminKey(server)
      const s = server
      const fleets = () => call(s, 'GET', '/api/v1/tgsp/fleets', { bearer: key })
      const before = await call(s, 'POST', '/api/v1/tgsp/fleets', { bearer: key, body: { name: 'before the outage' } })
      expect(before.status).toBe(201)
      expect((await call(s, 'GET', '/readyz')).status).toBe(200)

      await postgres.stop()
      const ready = await call(s, 'GET', '/readyz')
      expect(ready.status).toBe(503)
      const reason = (await ready.json()) as Envelope
      expect(reason.error).toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        message: 'Not ready: the database is unavailable.',
        details: { dependency: 'database' },
      })
      for (const res of [
        await fleets(),
        await call(s, 'POST', '/api/v1/tgsp/fleets', { bearer: key, body: { name: 'during the outage' } }),
      ]) {
        expect(res.status).toBe(503)
        expect(((await res.json()) as Envelope).error.code).toBe('UPSTREAM_UNAVAILABLE')
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
      }
      // Liveness stays up: the process is not restarted by an orchestrator for the database.
      expect((await call(s, 'GET', '/healthz')).status).toBe(200)
      expect(s.child.exitCode).toBeNull()

      await postgres.start()
      const back = performance.now()
      await until(
        'readiness and the API to answer 200 again',
        async () => (await call(s, 'GET', '/readyz')).status === 200 && (await fleets()).status === 200,
        RECOVERY_BOUND_MS,
      )
      const recoveryMs = Math.round(performance.now() - back)
      // The write refused during the outage is not there; the one before it is, and the log verifies.
      const names = ((await (await fleets()).json()) as { items: Array<{ name: string }> }).items.map((f) => f.name)
      expect(names).toEqual(['before the outage'])
      const rows = await verifiedLog(s, key)
      expect(s.child.exitCode).toBeNull()
      printFigures('database stopped and started (own PostgreSQL cluster)', {
        'faults injected': 1,
        survived: 1,
        'writes answered 2xx': 1,
        lost: 0,
        'recovery time': `${recoveryMs} ms (bound ${RECOVERY_BOUND_MS} ms, no restart)`,
        'log entries verified': rows.length,
      })
    },
  )
})
