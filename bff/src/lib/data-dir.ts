import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomToken } from './secrets'

/**
 * Embedded PGlite must have exactly one process on its data directory. The server holds
 * `server.pid` while it runs; a second server or tgctl refuses to open the directory.
 */
export function acquireDataDirLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true })
  const lockPath = join(dataDir, 'server.pid')
  if (existsSync(lockPath)) {
    const pid = Number(readFileSync(lockPath, 'utf8').trim())
    if (pid && pid !== process.pid && isAlive(pid))
      throw new Error(
        `The data directory ${dataDir} is in use by process ${pid}. Stop it first (embedded PGlite allows one process).`,
      )
  }
  writeFileSync(lockPath, String(process.pid))
  return () => rmSync(lockPath, { force: true })
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

type DevSecrets = { keyMaster: string; sessionSecret: string }

/**
 * Development only: secrets made on first start and kept in the data directory (mode 0600)
 * so that sessions survive a restart. Production takes them from the environment instead.
 */
export function loadDevSecrets(dataDir: string): DevSecrets {
  mkdirSync(dataDir, { recursive: true })
  const path = join(dataDir, 'dev-secrets.json')
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as DevSecrets
  const secrets = { keyMaster: randomToken(32), sessionSecret: randomToken(32) }
  writeFileSync(path, JSON.stringify(secrets), { mode: 0o600 })
  return secrets
}
