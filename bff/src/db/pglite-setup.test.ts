import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { MIGRATIONS_FOLDER, createDatabase } from './client'
import type { Database } from './client'
import { dueMaintenance } from './embedded-maintenance'
import { createPgliteInChild } from './pglite-setup'

const parent = mkdtempSync(join(tmpdir(), 'tg-pglite-setup-'))
const opened: Database[] = []
afterAll(async () => {
  for (const database of opened) await database.close()
})

describe('creating the embedded database in a child process', { timeout: 120_000 }, () => {
  it('creates a migrated, private database folder that the server then opens with nothing pending', async () => {
    const dir = join(parent, 'pglite')
    mkdirSync(dir, { mode: 0o700 }) // as the server's start makes it, empty
    expect(await createPgliteInChild(dir, MIGRATIONS_FOLDER)).toBe(true)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(readdirSync(dir)).toContain('PG_VERSION')
    expect(readdirSync(parent)).toEqual(['pglite']) // no staging folder left behind
    const database = createDatabase({ kind: 'pglite', dir })
    opened.push(database)
    expect(await database.pendingMigrations()).toBe(0)
    // Created analyzed: the server's embedded maintenance has nothing to catch up on at its first start.
    expect(await dueMaintenance(database.db)).toEqual([])
    const result = await database.db.execute(sql`select current_setting('shared_buffers') as buffers`)
    expect((result as unknown as { rows: Array<{ buffers: string }> }).rows[0]?.buffers).toBe('16MB')
  })

  it('leaves a folder that already holds files to the server (an existing database is never re-created)', async () => {
    const dir = join(parent, 'busy')
    mkdirSync(dir)
    writeFileSync(join(dir, 'something'), 'x')
    expect(await createPgliteInChild(dir, MIGRATIONS_FOLDER)).toBe(false)
    expect(readdirSync(dir)).toEqual(['something'])
  })

  it('says why when the database cannot be created, and leaves nothing half made', async () => {
    const dir = join(parent, 'broken')
    await expect(createPgliteInChild(dir, join(parent, 'no-migrations-here'))).rejects.toThrow(
      /creating the embedded database in .*broken failed/,
    )
    expect(readdirSync(parent).filter((name) => name.includes('broken'))).toEqual([])
  })
})
