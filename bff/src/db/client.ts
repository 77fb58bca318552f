import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import pg from 'pg'
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
  close(): Promise<void>
}

const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url))
const MIGRATION_LOCK_ID = 7_311_046_203

type JournalEntry = { when: number; tag: string }
function readJournal(): JournalEntry[] {
  const journal = JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')) as {
    entries: JournalEntry[]
  }
  return journal.entries
}

function createPostgres(url: string, timeoutMs: number, poolMax: number, onPoolError: (err: Error) => void) {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    idleTimeoutMillis: 30_000,
  })
  pool.on('error', onPoolError)
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
    close: () => pool.end(),
  }
}

function createPglite(dir: string) {
  const client = new PGlite(dir)
  const db = drizzlePglite(client, { schema })
  return {
    db: db as unknown as Db,
    migrate: async () => {
      await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER })
    },
    close: () => client.close(),
  }
}

export function createDatabase(
  target: DatabaseTarget,
  options: { timeoutMs?: number; poolMax?: number; onPoolError?: (err: Error) => void } = {},
): Database {
  const impl =
    target.kind === 'postgres'
      ? createPostgres(
          target.url,
          options.timeoutMs ?? 5000,
          options.poolMax ?? 10,
          options.onPoolError ?? (() => undefined),
        )
      : createPglite(target.dir)
  const journal = readJournal()
  return {
    db: impl.db,
    driver: target.kind,
    migrate: impl.migrate,
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
