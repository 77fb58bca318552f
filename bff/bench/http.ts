/**
 * `pnpm bench` (HTTP part): the cost of the platform on a real list route.
 *
 * Starts the real BFF (50 users) on the embedded PGlite and, where one answers, on the local
 * PostgreSQL, and in the same process a bare Hono app that returns the very same JSON without
 * auth, validation or a database. Each is loaded with autocannon in turn; the figures are
 * printed with their ratio to the bare baseline measured in the same run.
 * Options: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 10).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import autocannon from 'autocannon'
import { Hono } from 'hono'
import { createApp } from '../src/app'
import { createDatabase } from '../src/db/client'
import type { DatabaseTarget } from '../src/db/client'
import { createLogger } from '../src/lib/logger'
import { disabledRateLimiter } from '../src/lib/rate-limit-store'
import { SYSTEM_ACTOR } from '../src/modules/audit/record'
import type { AuditConfig } from '../src/modules/audit/service'
import { createPostgresDatabase } from '../src/test/harness'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10)
const PATH = '/api/v1/admin/users?limit=50'
type Result = { rps: number; p99: number; total: number }

function listen(fetch: (req: Request) => Response | Promise<Response>): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, hostname: '127.0.0.1', port: 0 }) as Server
    server.once('listening', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    )
  })
}

async function load(url: string, headers: Record<string, string>): Promise<Result> {
  const result = await autocannon({ url: `${url}${PATH}`, connections: CONNECTIONS, duration: SECONDS, headers })
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  return { rps: result.requests.average, p99: result.latency.p99, total: result.requests.total }
}

/** The real BFF on `target`, seeded; returns its URL, an admin API key and a stop function. */
export async function startBff(target: DatabaseTarget, audit: Partial<AuditConfig> = {}) {
  const database = createDatabase(target)
  await database.migrate()
  const { app, services } = createApp({
    config: {
      publicUrl: undefined,
      trustProxy: false,
      sessionTtlMs: 3600_000,
      maxJsonBytes: 1 << 20,
      webDist: tmpdir(),
    },
    database,
    log: createLogger('silent'),
    rateLimiter: disabledRateLimiter(),
    sessionSecret: 'bench-session-secret-0123456789abcdef',
    keyMaster: 'bench-key-master-0123456789abcdef-0123456789',
    audit: {
      origin: 'bench.example/audit',
      checkpointEvery: 1000,
      checkpointIntervalMs: 60_000,
      pinnedKeys: [],
      selfCheckIntervalMs: 3600_000,
      selfCheckFullIntervalMs: 3600_000,
      ...audit,
    },
    tgsp: { blobDir: join(tmpdir(), 'tg-bench-blobs'), maxUploadBytes: 1 << 20, channels: ['stable'] },
  })
  await services.audit.initialize()
  const ctx = { actor: SYSTEM_ACTOR, requestId: null, clientIp: null }
  for (let i = 0; i < 50; i++)
    await services.admin.createUser(ctx, {
      username: `user${i}`,
      displayName: `User ${i}`,
      password: 'bench password 123',
      roles: ['viewer'],
    })
  const { secret } = await services.admin.createApiKey(ctx, { name: 'bench', roles: ['admin'] })
  const { server, url } = await listen(app.fetch)
  return {
    url,
    headers: { authorization: `Bearer ${secret}` },
    /** The server's own database (PGlite allows one instance per data directory). */
    database,
    stop: async () => {
      server.close()
      await database.close()
    },
  }
}

const row = (name: string, r: Result, base?: Result) =>
  `${name.padEnd(36)} ${r.rps.toFixed(0).padStart(7)} req/s  p99 ${String(r.p99).padStart(4)} ms` +
  (base
    ? `  ratio: throughput ${(r.rps / base.rps).toFixed(3)}, p99 ${(r.p99 / Math.max(base.p99, 1)).toFixed(1)}x`
    : '  (baseline)')

export async function runHttpBench(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tg-bench-'))
  const embedded = await startBff({ kind: 'pglite', dir: join(dataDir, 'pglite') })
  const body = await (await fetch(`${embedded.url}${PATH}`, { headers: embedded.headers })).text()
  const bare = await listen(
    new Hono().get('/api/v1/admin/users', (c) => c.body(body, 200, { 'content-type': 'application/json' })).fetch,
  )

  console.log(
    `pnpm bench: GET ${PATH} (${body.length} bytes of JSON), ${CONNECTIONS} connections, ${SECONDS} s per run`,
  )
  await load(bare.url, {}) // warm-up of the load generator and the JIT
  const baseline = await load(bare.url, {})
  console.log(row('bare Hono route, same JSON', baseline))
  console.log(row('BFF on embedded PGlite', await load(embedded.url, embedded.headers), baseline))
  await embedded.stop()

  const postgres = await createPostgresDatabase()
  if ('target' in postgres) {
    const onPostgres = await startBff(postgres.target)
    console.log(row('BFF on PostgreSQL', await load(onPostgres.url, onPostgres.headers), baseline))
    await onPostgres.stop()
    await postgres.drop()
  } else {
    console.log(`BFF on PostgreSQL: skipped (${postgres.skip})`)
  }
  bare.server.close()
  rmSync(dataDir, { recursive: true, force: true })
}
