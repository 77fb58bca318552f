/**
 * `pnpm bench` (HTTP part): the cost of the platform on a real list route.
 *
 * For each database (the embedded PGlite and, where one answers, the local PostgreSQL) this
 * process serves, one after the other:
 *   (a) a bare Hono route that returns the very same JSON (no database, no platform);
 *   (b) a bare Hono route that runs the same SQL statement as the BFF's list, on the same
 *       database and connection pool, and returns its rows (no auth, validation, logs, metrics);
 *   (c) the real BFF (50 users, an admin API key).
 * The load comes from autocannon's CLI in a child process (see load.ts), so the load generator
 * never shares this process's event loop. Figures are printed with ratios against (a) and (b)
 * measured in the same run: (c)/(b) is the cost of the BFF's own layers. On a shared machine the
 * req/s move with the other load; the server's CPU time per request (this process's user and
 * system time over the run, divided by the requests answered) moves much less, and is printed
 * with its ratio too ("CPU": the baseline's CPU per request over this route's).
 * Options: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 10),
 * BENCH_HTTP_TARGETS (default "pglite,postgres").
 */
import { mkdtempSync, rmSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import pino from 'pino'
import { createApp } from '../src/app'
import { createDatabase } from '../src/db/client'
import type { DatabaseTarget } from '../src/db/client'
import { createLogger } from '../src/lib/logger'
import { disabledRateLimiter } from '../src/lib/rate-limit-store'
import { SYSTEM_ACTOR } from '../src/modules/audit/record'
import type { AuditConfig } from '../src/modules/audit/service'
import { createPostgresDatabase } from '../src/test/harness'
import { usersPageStatement } from '../src/modules/admin/users-page'
import { loadFromChild } from './autocannon'
import type { LoadResult } from './autocannon'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10)
const PATH = '/api/v1/admin/users?limit=50'
const TARGETS = (process.env.BENCH_HTTP_TARGETS ?? 'pglite,postgres').split(',')

function listen(fetch: (req: Request) => Response | Promise<Response>): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, hostname: '127.0.0.1', port: 0 }) as Server
    server.once('listening', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    )
  })
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
    // The server's own level, written where nobody reads: the access log is one of the layers measured.
    log: createLogger('info', pino.destination({ dest: '/dev/null', sync: true })),
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
    app,
    /** The server's own database (PGlite allows one instance per data directory). */
    database,
    stop: async () => {
      server.close()
      await database.close()
    },
  }
}

/** A load's figures and the CPU time this (the server's) process spent per request meanwhile. */
type Measured = LoadResult & { cpuUsPerRequest: number }

const row = (name: string, r: Measured, bases: Array<[string, Measured]> = []) =>
  `${name.padEnd(26)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${String(r.p50).padStart(3)} ms  p99 ${String(r.p99).padStart(4)} ms  ` +
  `server CPU ${r.cpuUsPerRequest.toFixed(0).padStart(5)} µs/req` +
  (bases.length === 0
    ? '  (baseline)'
    : bases
        .map(
          ([label, base]) =>
            `; ${label}: ${(r.rps / base.rps).toFixed(3)} req/s, ${(base.cpuUsPerRequest / r.cpuUsPerRequest).toFixed(3)} CPU`,
        )
        .join(''))

type RawClient = { query(text: string, params: unknown[]): Promise<{ rows: unknown[] }> }

/**
 * (b): the BFF's list statement (users-page.ts: the page aggregated by the database into one row),
 * its SQL text and values run bare on the same client, the body put together as the BFF does.
 */
function bareSqlRoute(bff: Awaited<ReturnType<typeof startBff>>) {
  const { sql, params } = usersPageStatement(bff.database.db, { limit: 50 }).toSQL()
  const client = (bff.database.db as unknown as { $client: RawClient }).$client
  return new Hono().get('/api/v1/admin/users', async (c) => {
    const values: Record<string, unknown> = { now: new Date().toISOString(), limit: 50, fetch: 51 }
    const bound = params.map((param) => values[(param as { name: string }).name])
    const { rows } = await client.query(sql, bound)
    const [row] = rows as Array<Record<string, string>>
    return c.body(`{"items":${row?.items ?? '[]'},"nextCursor":null}`, 200, { 'content-type': 'application/json' })
  })
}

async function benchTarget(label: string, target: DatabaseTarget) {
  const bff = await startBff(target)
  const body = await (await fetch(`${bff.url}${PATH}`, { headers: bff.headers })).text()
  const bare = await listen(
    new Hono().get('/api/v1/admin/users', (c) => c.body(body, 200, { 'content-type': 'application/json' })).fetch,
  )
  const bareSql = await listen(bareSqlRoute(bff).fetch)
  const load = async (url: string, headers: Record<string, string> = {}, seconds = SECONDS): Promise<Measured> => {
    const before = process.cpuUsage()
    const result = await loadFromChild(`${url}${PATH}`, { connections: CONNECTIONS, seconds, headers })
    const used = process.cpuUsage(before)
    return { ...result, cpuUsPerRequest: (used.user + used.system) / Math.max(result.total, 1) }
  }
  try {
    // Warm-up of the JIT and the database caches on each route, then one measured run each.
    for (const [url, headers] of [[bare.url], [bareSql.url], [bff.url, bff.headers]] as const)
      await load(url, headers, Math.min(3, SECONDS))
    const json = await load(bare.url)
    const sqlOnly = await load(bareSql.url)
    const full = await load(bff.url, bff.headers)
    console.log(`${label}:`)
    console.log(row('  (a) bare Hono, same JSON', json))
    console.log(row('  (b) bare Hono, same SQL', sqlOnly, [['vs (a)', json]]))
    console.log(
      row('  (c) BFF', full, [
        ['vs (a)', json],
        ['vs (b), the BFF own layers', sqlOnly],
      ]),
    )
  } finally {
    bare.server.close()
    bareSql.server.close()
    await bff.stop()
  }
}

export async function runHttpBench(): Promise<void> {
  console.log(
    `pnpm bench: GET ${PATH} with an API key, ${CONNECTIONS} connections, ${SECONDS} s per run, load from a child process`,
  )
  if (TARGETS.includes('pglite')) {
    const dataDir = mkdtempSync(join(tmpdir(), 'tg-bench-'))
    await benchTarget('embedded PGlite', { kind: 'pglite', dir: join(dataDir, 'pglite') })
    rmSync(dataDir, { recursive: true, force: true })
  }
  if (TARGETS.includes('postgres')) {
    const postgres = await createPostgresDatabase()
    if ('target' in postgres) {
      await benchTarget('PostgreSQL', postgres.target)
      await postgres.drop()
    } else console.log(`PostgreSQL: skipped (${postgres.skip})`)
  }
}
