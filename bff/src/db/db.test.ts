import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabase } from './client'
import type { Database, DatabaseTarget } from './client'
import { auditLog, auditNodes, auditPending, signInThrottle } from './schema'
import { auditLogOf } from '../modules/audit/record'
import { createSequencer } from '../modules/audit/tree'
import { insertUser } from '../modules/admin/service'
import { listUsers } from '../modules/admin/repo'
import { releaseAttempt, reserveAttempt, throttleKeysOf } from '../modules/auth/throttle'
import { TEST_PASSWORD, createHarness, createPostgresDatabase, json } from '../test/harness'

const postgres = await createPostgresDatabase()
if ('skip' in postgres) console.warn(`[db.test] PostgreSQL tests skipped: ${postgres.skip}`)

const targets: Array<[string, DatabaseTarget | null]> = [
  ['embedded PGlite', { kind: 'pglite', dir: 'memory://' }],
  ['PostgreSQL', 'target' in postgres ? postgres.target : null],
]

afterAll(async () => {
  if ('drop' in postgres) await postgres.drop()
})

describe.each(targets)('repositories on %s', (_name, target) => {
  let database: Database
  const ctx = { actor: { type: 'system' as const, id: null, name: 'test' }, requestId: 'req-1', clientIp: '127.0.0.1' }

  beforeAll(async () => {
    if (!target) return
    database = createDatabase(target)
    await database.migrate()
    await database.migrate() // idempotent, as at every start
  })
  afterAll(async () => {
    if (target) await database.close()
  })

  it.skipIf(!target)('applies every migration and reports none pending', async () => {
    expect(await database.pendingMigrations()).toBe(0)
    expect(await database.ping()).toBeGreaterThanOrEqual(0)
  })

  it.skipIf(!target)('sequences audit records into an append-only log with redacted details', async () => {
    const audit = auditLogOf()
    await database.db.transaction((tx) =>
      audit.record(tx, ctx, {
        action: 'test.append',
        resourceType: 'thing',
        outcome: 'success',
        details: { apiToken: 'abc', nested: { password: 'p' } },
      }),
    )
    await createSequencer(database.db, () => undefined)()
    expect(await database.db.select().from(auditPending)).toEqual([])
    const [row] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'test.append'))
    expect(JSON.parse(row?.canonical ?? '{}').details).toEqual({
      apiToken: '[REDACTED]',
      nested: { password: '[REDACTED]' },
    })
    const where = eq(auditLog.action, 'test.append')
    await expect(database.db.update(auditLog).set({ outcome: 'failure' }).where(where)).rejects.toThrow()
    await expect(database.db.delete(auditLog).where(where)).rejects.toThrow()
    await expect(database.db.execute(sql`truncate audit_log`)).rejects.toThrow()
    await expect(database.db.delete(auditNodes)).rejects.toThrow()
    expect(await database.db.select().from(auditLog).where(where)).toHaveLength(1)
  })

  it.skipIf(!target)('rolls back the change and its audit record together', async () => {
    const audit = auditLogOf()
    const body = { username: 'tx-user', displayName: 'T', password: 'x'.repeat(12), roles: ['viewer' as const] }
    await expect(
      database.db.transaction(async (tx) => {
        await insertUser(tx, audit, ctx, body, 'hash')
        throw new Error('boom after insert')
      }),
    ).rejects.toThrow('boom')
    expect((await listUsers(database.db, { limit: 10, q: 'tx-user' })).items).toEqual([])
    expect(await database.db.select().from(auditPending)).toEqual([])
  })

  it.skipIf(!target)('charges at most the allowance of concurrent sign-in attempts, then blocks', async () => {
    const now = new Date()
    const key = throttleKeysOf('rt', '1.2.3.4').pair
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, i) => reserveAttempt(database.db, key, now, `burst-${i}`)),
    )
    expect(burst.filter((r) => r.isReserved)).toHaveLength(5)
    const [row] = await database.db.select().from(signInThrottle).where(eq(signInThrottle.key, key.key))
    expect(row).toMatchObject({ failures: 5, refused: 25 })
    expect(row?.blockedUntil?.getTime()).toBe(now.getTime() + 30_000)
    // A charge given back (the attempt succeeded) lifts the block that it set.
    await releaseAttempt(database.db, key)
    expect((await reserveAttempt(database.db, key, now, 'after-release')).isReserved).toBe(true)
  })
})

describe.skipIf(!('target' in postgres))('the app on PostgreSQL', () => {
  it('runs setup, sign-in and admin routes end to end', async () => {
    const pgTarget = await createPostgresDatabase()
    if (!('target' in pgTarget)) return
    const h = await createHarness({ target: pgTarget.target })
    try {
      const admin = await h.userSession('pg-admin', ['admin'])
      const created = await h.request('POST', '/api/v1/admin/users', {
        ...admin,
        body: { username: 'pg-user', displayName: 'PG', password: TEST_PASSWORD, roles: ['viewer'] },
      })
      expect(created.status).toBe(201)
      const page = await json<{ items: Array<{ username: string }> }>(
        await h.request('GET', '/api/v1/admin/users', admin),
      )
      expect(page.items.map((u) => u.username)).toEqual(['pg-user', 'pg-admin'])
      expect((await h.request('GET', '/readyz')).status).toBe(200)
    } finally {
      await h.close()
      await pgTarget.drop()
    }
  })

  it('two replicas on one database append with unique, contiguous sequence numbers and one tree', async () => {
    const pgTarget = await createPostgresDatabase()
    if (!('target' in pgTarget)) return
    const [a, b] = [await createHarness({ target: pgTarget.target }), await createHarness({ target: pgTarget.target })]
    try {
      const [keyA, keyB] = [await a.apiKey(['admin'], 'replica a'), await b.apiKey(['admin'], 'replica b')]
      const create = (h: typeof a, key: string, name: string) =>
        h.request('POST', '/api/v1/admin/users', {
          bearer: key,
          body: { username: name, displayName: name, password: TEST_PASSWORD, roles: ['viewer'] },
        })
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 ? create(a, keyA, `ra${i}`) : create(b, keyB, `rb${i}`))),
      )
      // Every status, with the body of any refusal, so that a failure says what came back.
      const answers = await Promise.all(
        results.map(async (r) => (r.status === 201 ? 201 : `${r.status} ${await r.text()}`)),
      )
      expect(answers).toEqual(Array.from({ length: 30 }, () => 201))
      await Promise.all([a.services.audit.drain(), b.services.audit.drain()])
      const entries = await a.auditEntries()
      expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i))
      // Both replicas made their audit keys at start under the head lock: one pair exists.
      expect(entries.filter((e) => e.action === 'audit.keys_created')).toHaveLength(1)
      const [cpA, cpB] = [await a.services.audit.createCheckpoint(), await b.services.audit.createCheckpoint()]
      expect(cpB.checkpoint.rootHash).toBe(cpA.checkpoint.rootHash)
    } finally {
      await a.close()
      await b.close()
      await pgTarget.drop()
    }
  })
})
