import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createDatabase } from '../db/client'
import { auditLog, users } from '../db/schema'
import { verifyPassword } from '../lib/password'

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..')
const tgctl = (args: string[], input: string, dataDir: string) =>
  spawnSync(join(root, 'node_modules/.bin/tsx'), ['bff/src/cli/tgctl.ts', ...args], {
    cwd: root,
    input,
    encoding: 'utf8',
    env: { ...process.env, TG_DATA_DIR: dataDir },
  })

describe('pnpm tgctl admin create-user', { timeout: 120_000 }, () => {
  it('creates an admin from a shell, audited as tgctl, and refuses bad input', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tg-cli-'))
    const args = ['admin', 'create-user', '--username', 'Ops', '--display-name', 'Ops Lead', '--password-stdin']
    const ok = tgctl(args, 'correct horse battery staple\n', dataDir)
    expect(ok.stderr).toBe('')
    expect(ok.status).toBe(0)
    expect(ok.stdout).toContain('Created user ops (admin)')

    expect(tgctl(args, 'correct horse battery staple\n', dataDir).stderr).toContain('is taken')
    const weak = tgctl(args, 'short\n', dataDir)
    expect(weak.status).toBe(1)
    expect(weak.stderr).toContain('at least 12 characters')
    expect(tgctl(['nonsense'], '', dataDir).status).toBe(2)

    const database = createDatabase({ kind: 'pglite', dir: join(dataDir, 'pglite') })
    const [user] = await database.db.select().from(users)
    expect(user).toMatchObject({ username: 'ops', displayName: 'Ops Lead', roles: ['admin'] })
    expect(await verifyPassword('correct horse battery staple', user?.passwordHash ?? '')).toBe(true)
    const entries = await database.db.select().from(auditLog)
    expect(entries.map((e) => [e.seq, e.action, e.actorType, e.actorName])).toEqual([
      [0, 'admin.user_created', 'system', 'tgctl'],
    ])
    expect(JSON.parse(entries[0]?.canonical ?? '{}')).toMatchObject({
      seq: 0,
      prevHash: null,
      details: { username: 'ops' },
    })
    await database.close()
  })
})
