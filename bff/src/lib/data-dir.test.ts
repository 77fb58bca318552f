import { chmodSync, mkdirSync, mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { acquireDataDirLock, ensurePrivateDir, loadDevSecrets } from './data-dir'

const modeOf = (path: string) => statSync(path).mode & 0o777

describe('the folders that hold state', () => {
  const root = mkdtempSync(join(tmpdir(), 'tg-private-'))

  it('are created 0700, parents included', () => {
    const dir = join(root, 'new', 'data')
    expect(ensurePrivateDir(dir)).toBeNull()
    expect(modeOf(dir)).toBe(0o700)
    expect(modeOf(join(root, 'new'))).toBe(0o700)
  })

  it('are tightened to 0700 when they exist open to others', () => {
    const dir = join(root, 'existing')
    mkdirSync(dir)
    chmodSync(dir, 0o755)
    expect(ensurePrivateDir(dir)).toBeNull()
    expect(modeOf(dir)).toBe(0o700)
  })

  it('are made 0700 by the lock and the development secrets too', () => {
    const locked = join(root, 'locked')
    acquireDataDirLock(locked)()
    expect(modeOf(locked)).toBe(0o700)
    const secrets = join(root, 'secrets')
    loadDevSecrets(secrets)
    expect(modeOf(secrets)).toBe(0o700)
    expect(modeOf(join(secrets, 'dev-secrets.json'))).toBe(0o600)
  })
})
