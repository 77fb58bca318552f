import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomToken } from './secrets'

const PRIVATE = 0o700

/**
 * Makes a folder that only the server's user may enter (0700), parents included, or tightens an
 * existing one: the database files, package blobs and development secrets live in them. Returns
 * a warning when an existing folder cannot be tightened (another owner), null otherwise.
 */
export function ensurePrivateDir(dir: string): string | null {
  mkdirSync(dir, { recursive: true, mode: PRIVATE })
  const mode = statSync(dir).mode & 0o777
  if ((mode & 0o077) === 0) return null
  try {
    chmodSync(dir, PRIVATE)
    return null
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? 'unknown error'
    return `${dir} is open to other users (mode ${mode.toString(8)}) and could not be made 0700 (${reason})`
  }
}

/**
 * Embedded PGlite must have exactly one process on its data directory. The server holds
 * `server.pid` while it runs; a second server or tgctl refuses to open the directory.
 */
export function acquireDataDirLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE })
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
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE })
  const path = join(dataDir, 'dev-secrets.json')
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as DevSecrets
  const secrets = { keyMaster: randomToken(32), sessionSecret: randomToken(32) }
  writeFileSync(path, JSON.stringify(secrets), { mode: 0o600 })
  return secrets
}
