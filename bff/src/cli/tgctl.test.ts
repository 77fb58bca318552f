import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createDatabase } from '../db/client'
import { auditLog, users } from '../db/schema'
import { verifyPassword } from '../lib/password'
import { reserveAttempt, throttleKeysOf } from '../modules/auth/throttle'
import { signInThrottle } from '../db/schema'

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

  it('refuses a weak password, unlocks a blocked account and sets a password offline, audited', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tg-cli-'))
    const create = ['admin', 'create-user', '--username', 'root', '--password-stdin']
    const weak = tgctl(create, 'password1234\n', dataDir)
    expect(weak.status).toBe(1)
    expect(weak.stderr).toContain('password:')
    expect(tgctl(create, 'correct horse battery staple\n', dataDir).status).toBe(0)

    let database = createDatabase({ kind: 'pglite', dir: join(dataDir, 'pglite') })
    const key = throttleKeysOf('root', '203.0.113.9').pair
    for (let i = 0; i < 6; i++) await reserveAttempt(database.db, key, new Date(), `guess-${i}`)
    await database.close()
    const unlocked = tgctl(['admin', 'unlock', '--username', 'root'], '', dataDir)
    expect(unlocked.stderr).toBe('')
    expect(unlocked.stdout).toContain('Unlocked sign-in of root: 1 blocked counter(s) cleared.')

    expect(
      tgctl(['admin', 'set-password', '--username', 'root', '--password-stdin'], 'aaaaaaaaaaaa\n', dataDir).status,
    ).toBe(1)
    const set = tgctl(
      ['admin', 'set-password', '--username', 'root', '--password-stdin'],
      'plum orchard under winter light\n',
      dataDir,
    )
    expect(set.stderr).toBe('')
    expect(set.stdout).toContain('Set the password of root')

    database = createDatabase({ kind: 'pglite', dir: join(dataDir, 'pglite') })
    expect(await database.db.select().from(signInThrottle)).toEqual([])
    const [user] = await database.db.select().from(users)
    expect(await verifyPassword('plum orchard under winter light', user?.passwordHash ?? '')).toBe(true)
    const actions = (await database.db.select().from(auditLog)).map((e) => e.action)
    expect(actions).toEqual(['admin.user_created', 'admin.sign_in_unlocked', 'admin.password_set'])
    await database.close()
  })
})
