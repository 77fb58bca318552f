import { mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type * as PgliteModule from '@electric-sql/pglite'
import type * as DrizzlePgliteModule from 'drizzle-orm/pglite'
import type * as DrizzlePgliteMigrator from 'drizzle-orm/pglite/migrator'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import type * as DrizzlePgModule from 'drizzle-orm/node-postgres'
import type * as DrizzlePgMigrator from 'drizzle-orm/node-postgres/migrator'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import type pg from 'pg'
import { pgliteExtensions, pgliteStartParams } from './pglite-setup'
import * as schema from './schema'

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]
/** Either the database or an open transaction: what repository functions take. */
export type Executor = Db | Tx

export type DatabaseTarget = { kind: 'postgres'; url: string } | { kind: 'pglite'; dir: string }

export interface Database {
  readonly db: Db
  readonly driver: DatabaseTarget['kind']
  migrate(): Promise<void>
  /** Round-trip time of a trivial query, in milliseconds. */
  ping(): Promise<number>
  /** Number of committed migrations that are not applied yet. */
  pendingMigrations(): Promise<number>
  /**
   * LISTENs on a channel: `onPayload` gets every NOTIFY on it, from any process on the same
   * database, after the notifying transaction commits. Returns the way to stop listening.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>
  close(): Promise<void>
}

const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url))
const MIGRATION_LOCK_ID = 7_311_046_203

type JournalEntry = { when: number; tag: string }
function readJournal(): JournalEntry[] {
  const journal = JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')) as {
    entries: JournalEntry[]
  }
  return journal.entries
}

/** The PostgreSQL client, loaded only when used (as PGlite below): each costs memory the other driver need not hold. */
function loadPostgres() {
  const require = createRequire(import.meta.url)
  return {
    pg: require('pg') as typeof pg,
    drizzlePg: (require('drizzle-orm/node-postgres') as typeof DrizzlePgModule).drizzle,
    migratePg: (require('drizzle-orm/node-postgres/migrator') as typeof DrizzlePgMigrator).migrate,
  }
}

function createPostgres(url: string, timeoutMs: number, poolMax: number, onPoolError: (err: Error) => void) {
  const { pg, drizzlePg, migratePg } = loadPostgres()
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    idleTimeoutMillis: 30_000,
  })
  // pg emits 'error' on a client whose connection drops, checked out or idle, and an 'error' event
  // without a listener ends the process. The pool listens only while a client is idle, so a
  // connection lost inside a transaction used to end the server. Each client now has a listener
  // for its whole life (the query in flight still rejects, and the pool drops the client on
  // release); the pool's own 'error' event repeats an idle client's error, already reported.
  pool.on('connect', (client) => client.on('error', onPoolError))
  pool.on('error', () => undefined)
  const listener = createPgListener(url, timeoutMs, onPoolError)
  const db = drizzlePg(pool, { schema }) as unknown as Db
  return {
    db,
    migrate: async () => {
      // Replicas may start together: hold an advisory lock while migrating.
      const client = await pool.connect()
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID])
        await migratePg(drizzlePg(pool, { schema }), { migrationsFolder: MIGRATIONS_FOLDER })
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined)
        client.release()
      }
    },
    listen: listener.listen,
    close: async () => {
      await listener.close()
      await pool.end()
    },
  }
}

/**
 * One dedicated connection for LISTEN (a pooled one would lose its LISTENs when released),
 * reconnected with backoff when it drops, re-LISTENing every channel that has handlers.
 */
function createPgListener(url: string, timeoutMs: number, onError: (err: Error) => void) {
  const { pg } = loadPostgres()
  const handlers = new Map<string, Set<(payload: string) => void>>()
  let client: pg.Client | null = null
  let connecting: Promise<pg.Client> | null = null
  let closed = false
  let retryMs = 250

  const connect = (): Promise<pg.Client> => {
    if (client) return Promise.resolve(client)
    connecting ??= (async () => {
      const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs })
      next.on('notification', (msg) => {
        for (const handler of handlers.get(msg.channel) ?? []) handler(msg.payload ?? '')
      })
      next.on('error', (err) => {
        onError(err)
        drop(next)
      })
      next.on('end', () => drop(next))
      try {
        await next.connect()
        for (const channel of handlers.keys()) await next.query(`listen ${channel}`)
      } catch (err) {
        connecting = null
        throw err
      }
      client = next
      connecting = null
      retryMs = 250
      return next
    })()
    return connecting
  }

  const drop = (which: pg.Client) => {
    if (client !== which) return
    client = null
    if (closed || handlers.size === 0) return
    const retry = () =>
      void connect().catch((err: Error) => {
        onError(err)
        retryMs = Math.min(retryMs * 2, 10_000)
        setTimeout(retry, retryMs).unref()
      })
    setTimeout(retry, retryMs).unref()
  }

  return {
    async listen(channel: string, onPayload: (payload: string) => void) {
      if (!CHANNEL_NAME.test(channel)) throw new Error(`not a channel name: ${channel}`)
      const set = handlers.get(channel) ?? new Set()
      const isNew = !handlers.has(channel)
      set.add(onPayload)
      handlers.set(channel, set)
      const connection = await connect()
      if (isNew) await connection.query(`listen ${channel}`)
      return async () => {
        set.delete(onPayload)
        if (set.size > 0) return
        handlers.delete(channel)
        await client?.query(`unlisten ${channel}`).catch(() => undefined)
      }
    },
    async close() {
      closed = true
      handlers.clear()
      const current = client
      client = null
      await current?.end().catch(() => undefined)
    },
  }
}

/**
 * The embedded database is loaded only when used: its module alone costs some 45 MB of memory,
 * which a server on PostgreSQL should not carry.
 */
function loadPglite() {
  const require = createRequire(import.meta.url)
  return {
    PGlite: (require('@electric-sql/pglite') as typeof PgliteModule).PGlite,
    drizzlePglite: (require('drizzle-orm/pglite') as typeof DrizzlePgliteModule).drizzle,
    migratePglite: (require('drizzle-orm/pglite/migrator') as typeof DrizzlePgliteMigrator).migrate,
  }
}

function createPglite(dir: string, loadDataDir: Blob | undefined) {
  const { PGlite, drizzlePglite, migratePglite } = loadPglite()
  // A folder on disk (not memory:// or another scheme) is made private before PGlite fills it.
  if (!dir.includes('://')) mkdirSync(dir, { recursive: true, mode: 0o700 })
  const client = new PGlite(dir, { startParams: pgliteStartParams(), extensions: pgliteExtensions(), loadDataDir })
  const db = drizzlePglite(client, { schema })
  return {
    db: db as unknown as Db,
    migrate: async () => {
      await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER })
    },
    async listen(channel: string, onPayload: (payload: string) => void) {
      if (!CHANNEL_NAME.test(channel)) throw new Error(`not a channel name: ${channel}`)
      const unlisten = await client.listen(channel, onPayload)
      return () => unlisten()
    },
    close: () => client.close(),
  }
}

export function createDatabase(
  target: DatabaseTarget,
  options: {
    timeoutMs?: number
    poolMax?: number
    onPoolError?: (err: Error) => void
    /** PGlite only: starts from this dump (`dumpDataDir`) instead of an empty cluster (tests' template). */
    pgliteDataDir?: Blob
  } = {},
): Database {
  const impl =
    target.kind === 'postgres'
      ? createPostgres(
          target.url,
          options.timeoutMs ?? 5000,
          options.poolMax ?? 10,
          options.onPoolError ?? (() => undefined),
        )
      : createPglite(target.dir, options.pgliteDataDir)
  const journal = readJournal()
  return {
    db: impl.db,
    driver: target.kind,
    migrate: impl.migrate,
    listen: impl.listen,
    close: impl.close,
    async ping() {
      const start = performance.now()
      await impl.db.execute(sql`select 1`)
      return performance.now() - start
    },
    async pendingMigrations() {
      const result = (await impl.db
        .execute(sql`select max(created_at) as created_at from drizzle.__drizzle_migrations`)
        .catch((err: unknown) => {
          if (hasPgCode(err, '42P01') || hasPgCode(err, '3F000')) return { rows: [] }
          throw err
        })) as unknown as { rows: Array<{ created_at: string | number | null }> }
      const last = Number(result.rows[0]?.created_at ?? 0)
      return journal.filter((entry) => entry.when > last).length
    },
  }
}

/** True when the error or its cause carries this PostgreSQL SQLSTATE. */
export function hasPgCode(error: unknown, code: string): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++)
    if ((e as { code?: unknown }).code === code) return true
  return false
}
