/** `tgctl backup --out FILE` and `tgctl restore --from FILE` (see ../backup/). */
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { createBackup } from '../backup/backup'
import { backupBlobsOf } from '../backup/blobs'
import type { BackupBlobs } from '../backup/blobs'
import { BackupError, SEALED_NOTE } from '../backup/format'
import { restoreBackup } from '../backup/restore'
import { createDatabase } from '../db/client'
import type { Database } from '../db/client'
import { parseConfig } from '../env'
import type { Config } from '../env'
import { acquireDataDirLock, ensurePrivateDir } from '../lib/data-dir'
import { createLocalBlobStore } from '../modules/tgsp/blobs'
import { createS3BlobStore } from '../modules/tgsp/blobs-s3'

export const BACKUP_USAGE = `  pnpm tgctl backup --out FILE
  pnpm tgctl restore --from FILE

backup writes one archive (gzip-compressed tar) of every table, in foreign-key order, and every
package file the tables reference, with a manifest of row counts and SHA-256 per part. On
PostgreSQL (DATABASE_URL) it reads one consistent snapshot while the server keeps running; on
the embedded database (TG_DATA_DIR) stop the server first. restore checks every part of the
archive before it writes anything, then fills an empty database (a new TG_DATA_DIR, or a new
PostgreSQL database in DATABASE_URL, migrated to the archive's level first) and the blob store
(TG_BLOB_DIR) in one transaction. Secrets stay sealed in the archive as they are at rest: the
restored console needs the same TG_KEY_MASTER (and TG_SESSION_SECRET). Exit 0: done; 1: refused
(a corrupt archive, a database that is not empty, another migration level) or failed; 2: bad usage.`

/** The blob store of this configuration, seen through what backup and restore need. */
function blobsOf(config: Config): BackupBlobs {
  const { s3, blobDir } = config.tgsp
  return backupBlobsOf(s3 ? createS3BlobStore(s3) : createLocalBlobStore(blobDir))
}

async function withTarget<T>(work: (database: Database, blobs: BackupBlobs, config: Config) => Promise<T>): Promise<T> {
  const config = parseConfig(process.env)
  const release = config.database.kind === 'pglite' ? acquireDataDirLock(config.dataDir) : () => undefined
  const database = createDatabase(config.database, { timeoutMs: config.dbTimeoutMs })
  try {
    return await work(database, blobsOf(config), config)
  } finally {
    await database.close()
    release()
  }
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

async function backup(argv: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string' } } })
  if (!values.out) return usage(out)
  const file = values.out
  await withTarget(async (database, blobs, config) => {
    if (config.database.kind === 'pglite' && !existsSync(config.database.dir))
      throw new BackupError(`There is no embedded database under ${config.dataDir} to back up.`)
    await database.migrate()
    const { manifest, archiveBytes } = await createBackup(database, blobs, file)
    const tables = manifest.parts.filter((p) => p.kind === 'table')
    const blobParts = manifest.parts.filter((p) => p.kind === 'blob')
    out(
      `Backed up ${tables.length} tables (${tables.reduce((n, p) => n + p.rows, 0)} rows) and ${blobParts.length} package file(s) ` +
        `from ${database.driver} at migration ${manifest.migration.tag} to ${file} (${mib(archiveBytes)}).`,
    )
    out(SEALED_NOTE)
    if (!process.env.TG_KEY_MASTER)
      out(
        `TG_KEY_MASTER is not set: this installation uses the development secrets in ${config.dataDir}/dev-secrets.json, ` +
          'which are not in the archive. Keep that file with the archive, or the sealed secrets cannot be opened.',
      )
  })
  return 0
}

async function restore(argv: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { from: { type: 'string' } } })
  if (!values.from) return usage(out)
  const file = values.from
  if (!existsSync(file)) throw new BackupError(`No archive at ${file}.`)
  await withTarget(async (database, blobs, config) => {
    ensurePrivateDir(config.tgsp.blobDir)
    const summary = await restoreBackup(database, blobs, file)
    out(
      `Restored ${summary.tables} tables (${summary.rows} rows) and ${summary.blobs} package file(s) from the ${summary.manifest.database} ` +
        `backup of ${summary.manifest.createdAt} (migration ${summary.manifest.migration.tag}) into ${database.driver}.`,
    )
    out('Start the server with the TG_KEY_MASTER and TG_SESSION_SECRET of the backed-up installation.')
  })
  return 0
}

function usage(out: (line: string) => void): number {
  out(`Usage:\n${BACKUP_USAGE}`)
  return 2
}

/** `tgctl backup ...` / `tgctl restore ...`; returns the exit code. Refusals throw BackupError (exit 1). */
export async function backupCommand(
  group: 'backup' | 'restore',
  argv: string[],
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  try {
    return group === 'backup' ? await backup(argv, out) : await restore(argv, out)
  } catch (error) {
    if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(error.message)
      return usage(err)
    }
    throw error
  }
}
