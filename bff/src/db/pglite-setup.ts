import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, rmdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type * as PgliteModule from '@electric-sql/pglite'
import type * as PgTrgmModule from '@electric-sql/pglite/contrib/pg_trgm'

/**
 * PGlite's own start parameters with smaller shared buffers: its default of 128 MB of buffers
 * stays resident in a WebAssembly memory that never shrinks; 16 MB keeps an opened folder near
 * 100 MB of memory instead of 280 MB. Reads past the buffers come from the OS file cache.
 */
export function pgliteStartParams(): string[] {
  const { PGlite } = createRequire(import.meta.url)('@electric-sql/pglite') as typeof PgliteModule
  return [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB', '-c', 'wal_buffers=512kB']
}

/**
 * The extensions every embedded database loads, wherever PGlite is constructed (the server, the
 * child that creates a folder, tgctl, tests): pg_trgm, whose trigram indexes answer the lists'
 * substring search (migration 0021); a database with those indexes cannot be written without it.
 */
export function pgliteExtensions() {
  const require = createRequire(import.meta.url)
  const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm') as typeof PgTrgmModule
  return { pg_trgm }
}

const CREATE_SCRIPT = fileURLToPath(new URL('./pglite-create.mjs', import.meta.url))

/**
 * Creates a new embedded database folder (initdb and every migration) in a short-lived child
 * process, so that the server that opens it afterwards never carries initdb's memory. Built in a
 * sibling folder and renamed into place: a start stopped midway leaves no half-made database.
 * Returns false (nothing done) when the folder already holds a database, or holds files that are
 * not one, which the server then opens, or refuses, as before.
 */
export async function createPgliteInChild(dir: string, migrationsFolder: string): Promise<boolean> {
  if (dir.includes('://')) return false
  if (existsSync(dir) && readdirSync(dir).length > 0) return false
  const staging = mkdtempSync(join(dirname(dir), `.${basename(dir)}.creating-`))
  try {
    const stderr = await runChild([CREATE_SCRIPT, staging, migrationsFolder, JSON.stringify(pgliteStartParams())])
    if (stderr !== null) throw new Error(`creating the embedded database in ${dir} failed: ${stderr}`)
    if (existsSync(dir)) rmdirSync(dir)
    renameSync(staging, dir)
    return true
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}

/** Runs node with these arguments; resolves with null on exit 0, else with what it printed. */
function runChild(args: string[]): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('exit', (code, signal) =>
      resolve(code === 0 ? null : stderr.trim() || `exit ${code ?? signal ?? 'unknown'}`),
    )
  })
}
