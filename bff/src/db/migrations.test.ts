import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { asc, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from 'drizzle-orm/pglite/migrator'
import { describe, expect, it } from 'vitest'
import { parseEntryText } from '@tg/contracts/formats/audit'
import { createSequencer } from '../modules/audit/tree'
import { createDatabase } from './client'
import { pgliteExtensions } from './pglite-setup'
import { auditLog } from './schema'

const MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url))

describe('upgrading a database from the first release', () => {
  it('carries the records of the first audit table into the Merkle log, in their order and with their times', async () => {
    // A database as the first release left it: migrations 0000 and 0001 only, with audit rows.
    const old = mkdtempSync(join(tmpdir(), 'tg-migrations-'))
    cpSync(MIGRATIONS, old, { recursive: true })
    const journalPath = join(old, 'meta/_journal.json')
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: unknown[] }
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, 2) }))
    const dataDir = join(old, 'data')
    const client = new PGlite(dataDir, { extensions: pgliteExtensions() })
    await migrate(drizzle(client), { migrationsFolder: old })
    await client.exec(`
      insert into audit_entries (at, actor_type, actor_name, action, resource_type, resource_id, outcome, details) values
        ('2026-01-02T03:04:05.678Z', 'user', 'alice', 'auth.sign_in', 'user', 'u1', 'success', '{"username":"alice"}'),
        ('2026-01-02T03:05:00.000Z', 'anonymous', null, 'auth.sign_in', 'user', 'bob', 'failure', '{"username":"bob","reason":"wrong_password"}')`)
    await client.close()

    const database = createDatabase({ kind: 'pglite', dir: dataDir })
    await database.migrate()
    expect(await database.pendingMigrations()).toBe(0)
    await createSequencer(database.db, () => undefined)()
    const rows = await database.db.select().from(auditLog).orderBy(asc(auditLog.seq))
    const bodies = rows.map((r) => parseEntryText(r.canonical)).map((p) => (p.ok ? p.body : null))
    expect(bodies.map((b) => [b?.seq, b?.time, b?.actor.name, b?.outcome, b?.details])).toEqual([
      [0, '2026-01-02T03:04:05.678Z', 'alice', 'success', { username: 'alice' }],
      [1, '2026-01-02T03:05:00.000Z', null, 'failure', { username: 'bob', reason: 'wrong_password' }],
    ])
    const legacy = await database.db.execute(sql`select to_regclass('audit_entries') as t`)
    expect((legacy as unknown as { rows: Array<{ t: unknown }> }).rows[0]?.t).toBeNull()
    await database.close()
    // Two embedded databases boot and every migration runs: slow on a busy 2-core machine.
  }, 120_000)
})
