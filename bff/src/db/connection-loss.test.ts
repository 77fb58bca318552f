import { sql } from 'drizzle-orm'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { createDatabase } from './client'
import { isDatabaseUnavailable } from '../lib/errors'
import { createPostgresDatabase } from '../test/harness'

const postgres = await createPostgresDatabase()
if ('skip' in postgres) console.warn(`[connection-loss.test] PostgreSQL tests skipped: ${postgres.skip}`)
const target = 'target' in postgres ? postgres.target : null

afterAll(async () => {
  if ('drop' in postgres) await postgres.drop()
})

describe('a PostgreSQL connection that drops inside a transaction', () => {
  it.skipIf(!target)('fails that transaction as unavailable and leaves the process and the pool working', async () => {
    if (target?.kind !== 'postgres') return
    const reported: Error[] = []
    const database = createDatabase(target, { onPoolError: (err) => reported.push(err) })
    const admin = new pg.Client({ connectionString: target.url })
    await admin.connect()
    // An 'error' event nobody listens to ends a server process; here it would reach this handler.
    const uncaught: unknown[] = []
    const onUncaught = (err: unknown) => uncaught.push(err)
    process.on('uncaughtException', onUncaught)
    try {
      const failure = await database.db
        .transaction(async (tx) => {
          const { rows } = (await tx.execute(sql`select pg_backend_pid() as pid`)) as unknown as {
            rows: Array<{ pid: number }>
          }
          // As when the database stops or restarts: the server ends this transaction's connection.
          await admin.query('select pg_terminate_backend($1)', [rows[0]?.pid])
          await tx.execute(sql`select 1`)
        })
        .then(
          () => null,
          (err: unknown) => err,
        )

      expect(isDatabaseUnavailable(failure)).toBe(true)
      expect(uncaught).toEqual([])
      // Reported for the log, as the loss of the connection (the wording depends on the timing).
      expect(reported.length).toBeGreaterThan(0)
      expect(reported.filter((err) => !isDatabaseUnavailable(err))).toEqual([])
      // The broken client left the pool: the next query gets a fresh connection.
      expect(await database.ping()).toBeGreaterThanOrEqual(0)
    } finally {
      process.off('uncaughtException', onUncaught)
      await admin.end()
      await database.close()
    }
  })
})
