// Group commit of audited writes (audit.transaction), on PGlite and PostgreSQL: concurrent writes
// share batches and all land, in their order; a failing member takes nothing down but itself;
// each caller is answered only once its change is committed and its record is in the log; the
// log verifies afterwards.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { asc, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabase } from '../../db/client'
import type { Database, DatabaseTarget, Tx } from '../../db/client'
import { auditLog } from '../../db/schema'
import { AppError, conflict } from '../../lib/errors'
import { createLogger } from '../../lib/logger'
import { createSealer } from '../../lib/seal'
import { POSTGRES_WRITE_BATCHES } from '../../app'
import { KEY_MASTER, createPostgresDatabase } from '../../test/harness'
import { createAuditService } from './service'
import type { AuditService } from './service'

const postgres = await createPostgresDatabase()
const postgresParallel = await createPostgresDatabase()
if ('skip' in postgres) console.warn(`[group-commit.test] PostgreSQL case skipped: ${postgres.skip}`)
const dir = mkdtempSync(join(tmpdir(), 'tg-group-commit-'))
afterAll(async () => {
  if ('drop' in postgres) await postgres.drop()
  if ('drop' in postgresParallel) await postgresParallel.drop()
  rmSync(dir, { recursive: true, force: true })
})

// PostgreSQL twice: one batch at a time (sequenced inside the batch), and as the server runs it,
// several batches at once (their records queued, then one sequencing pass).
const targets: Array<[string, DatabaseTarget | null, number]> = [
  ['PGlite', { kind: 'pglite', dir: join(dir, 'pglite') }, 1],
  ['PostgreSQL, one batch at a time', 'target' in postgres ? postgres.target : null, 1],
  [
    `PostgreSQL, ${POSTGRES_WRITE_BATCHES} batches at once`,
    'target' in postgresParallel ? postgresParallel.target : null,
    POSTGRES_WRITE_BATCHES,
  ],
]
const ctx = { actor: { type: 'system' as const, id: null, name: 'test' }, requestId: null, clientIp: null }

describe.each(targets)('group commit on %s', (_name, target, inFlight) => {
  let database: Database
  let audit: AuditService
  const batches: number[] = []

  beforeAll(async () => {
    if (!target) return
    database = createDatabase(target, { timeoutMs: 30_000 })
    await database.migrate()
    await database.db.execute(sql`create table gc_items (name text primary key, n int not null)`)
    audit = createAuditService({
      db: database.db,
      sealer: createSealer(KEY_MASTER),
      config: {
        origin: 'test.example/group-commit',
        checkpointEvery: 100_000,
        checkpointIntervalMs: 3600_000,
        pinnedKeys: [],
        selfCheckIntervalMs: 3600_000,
        selfCheckFullIntervalMs: 3600_000,
      },
      log: createLogger('silent'),
      onWriteBatch: (size) => batches.push(size),
      writeBatchesInFlight: inFlight,
    })
    await audit.initialize()
  }, 60_000)
  afterAll(async () => {
    await database?.close()
  })

  /** One audited write: a row and its audit record, in the caller's (batch) transaction. */
  const write = async (tx: Tx, name: string) => {
    await tx.execute(sql`insert into gc_items (name, n) values (${name}, 1)`)
    await audit.record(tx, ctx, {
      action: 'gc.item_created',
      resourceType: 'gc_item',
      resourceId: name,
      outcome: 'success',
    })
    return name
  }
  const logged = async (prefix: string) => {
    const rows = await database.db.select().from(auditLog).orderBy(asc(auditLog.seq))
    return rows
      .filter((r) => r.action === 'gc.item_created' && r.resourceId?.startsWith(prefix))
      .map((r) => r.resourceId)
  }
  const stored = async (prefix: string) => {
    const result = (await database.db.execute(
      sql`select name from gc_items where name like ${`${prefix}%`} order by name`,
    )) as unknown as { rows: Array<{ name: string }> }
    return result.rows.map((r) => r.name)
  }
  const names = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`)

  it.skipIf(!target)(
    'lands every one of a burst of concurrent writes, in fewer transactions, in their order',
    async () => {
      batches.length = 0
      const wanted = names('burst', 40)
      const answered = await Promise.all(wanted.map((name) => audit.transaction((tx) => write(tx, name))))
      expect(answered).toEqual(wanted)
      expect(await stored('burst')).toEqual(wanted)
      // One batch at a time, the log holds them in the order they were asked for; batches that
      // run at once commit in any order (concurrent requests have none).
      if (inFlight === 1) expect(await logged('burst')).toEqual(wanted)
      else expect((await logged('burst')).sort()).toEqual(wanted)
      expect(batches.reduce((a, b) => a + b, 0)).toBe(40)
      expect(batches.length).toBeLessThan(40)
      expect(Math.max(...batches)).toBeGreaterThan(1)
      // Nothing was left for the sequencer: each batch put its records into the log itself.
      const pending = (await database.db.execute(sql`select count(*)::int as n from audit_pending`)) as unknown as {
        rows: Array<{ n: number }>
      }
      expect(pending.rows[0]?.n).toBe(0)
    },
  )

  it.skipIf(!target)('answers a caller only once its write is committed and in the log', async () => {
    const seen = await audit
      .transaction((tx) => write(tx, 'visible-00'))
      .then(async (name) => ({
        stored: await stored(name),
        logged: await logged(name),
      }))
    expect(seen).toEqual({ stored: ['visible-00'], logged: ['visible-00'] })
  })

  it.skipIf(!target)('fails only the member that fails, with its own error, and keeps nothing of it', async () => {
    batches.length = 0
    await audit.transaction((tx) => write(tx, 'taken-00'))
    const wanted = names('mixed', 12)
    const results = await Promise.allSettled(
      wanted.map((name, i) =>
        audit.transaction(async (tx) => {
          if (i === 3) {
            // Its row and record are written, then it refuses: both must be gone.
            await write(tx, name)
            throw conflict('This one is refused.')
          }
          // A database error: the primary key is taken.
          if (i === 7) return write(tx, 'taken-00')
          return write(tx, name)
        }),
      ),
    )
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [[i, r.reason] as const] : []))
    expect(failed.map(([i]) => i)).toEqual([3, 7])
    expect(failed[0]![1]).toBeInstanceOf(AppError)
    expect((failed[0]![1] as AppError).code).toBe('CONFLICT')
    expect(String((failed[1]![1] as Error).cause ?? failed[1]![1])).toMatch(/duplicate key|unique/i)
    const kept = wanted.filter((_, i) => i !== 3 && i !== 7)
    expect(await stored('mixed')).toEqual(kept)
    expect(inFlight === 1 ? await logged('mixed') : (await logged('mixed')).sort()).toEqual(kept)
    expect(await logged('taken')).toEqual(['taken-00'])
    expect(batches.reduce((a, b) => a + b, 0)).toBe(kept.length + 1)
  })

  it.skipIf(!target)('leaves one log that verifies, with no two entries on one sequence number', async () => {
    await Promise.all(names('last', 20).map((name) => audit.transaction((tx) => write(tx, name))))
    const run = await audit.checkIntegrity()
    expect(run.state.finding).toBeNull()
    expect(run.state.status).toBe('ok')
    const { checkpoint } = await audit.createCheckpoint()
    const rows = await database.db.select({ seq: auditLog.seq }).from(auditLog).orderBy(asc(auditLog.seq))
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i))
    expect(checkpoint.treeSize).toBe(rows.length)
  })
})
