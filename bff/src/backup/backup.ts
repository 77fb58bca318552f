/** `tgctl backup`: one consistent snapshot of every table plus the package files it references. */
import { createReadStream, createWriteStream, existsSync } from 'node:fs'
import { mkdtemp, rename, rm, stat } from 'node:fs/promises'
import { dirname, basename, join } from 'node:path'
import { finished } from 'node:stream/promises'
import { once } from 'node:events'
import { sql } from 'drizzle-orm'
import type { Database, Tx } from '../db/client'
import { tgspPackages } from '../db/schema'
import type { BackupBlobs } from './blobs'
import { databaseMigrationLevel, ident, listTables, readSequences } from './catalog'
import type { TableInfo } from './catalog'
import { BACKUP_FORMAT, BackupError, MANIFEST_PATH, SEALED_NOTE, blobPath, tablePath } from './format'
import type { Manifest, Part } from './format'
import { createArchiveWriter } from './tar-out'
import type { ArchiveWriter } from './tar-out'

const FETCH_ROWS = 500

export type BackupSummary = { file: string; manifest: Manifest; archiveBytes: number }

/**
 * Writes the archive to `file` (refusing to overwrite one). On PostgreSQL the rows come from one
 * REPEATABLE READ, read-only transaction, so the server may keep running; on PGlite the caller
 * holds the data directory's lock (the server is stopped).
 */
export async function createBackup(database: Database, blobs: BackupBlobs, file: string): Promise<BackupSummary> {
  if (existsSync(file)) throw new BackupError(`${file} exists already; choose a new file name.`)
  const partial = join(dirname(file), `.${basename(file)}.partial`)
  const scratch = await mkdtemp(join(dirname(file), '.tg-backup-'))
  const writer = createArchiveWriter(partial)
  try {
    const manifest = await database.db.transaction(
      async (tx) => {
        const tables = await listTables(tx)
        const parts: Part[] = []
        for (const [index, table] of tables.entries())
          parts.push(await archiveTable(tx, writer, table, tablePath(index + 1, table.name), scratch))
        const contentIds = await tx.select({ id: tgspPackages.contentId }).from(tgspPackages)
        for (const { id } of contentIds.sort((a, b) => a.id.localeCompare(b.id))) {
          const blob = await blobs.read(id)
          if (!blob)
            throw new BackupError(`The package file ${id} is missing from the blob store; nothing was written.`)
          const written = await writer.entry(blobPath(id), blob.bytes, blob.stream)
          parts.push({ kind: 'blob', path: blobPath(id), contentId: id, ...written })
        }
        return {
          format: BACKUP_FORMAT,
          createdAt: new Date().toISOString(),
          database: database.driver,
          migration: await databaseMigrationLevel(tx),
          parts,
          sequences: await readSequences(tx, tables),
          note: SEALED_NOTE,
        } satisfies Manifest
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    )
    const text = new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`)
    await writer.entry(MANIFEST_PATH, text.byteLength, [text])
    await writer.finish()
    await rename(partial, file)
    return { file, manifest, archiveBytes: (await stat(file)).size }
  } catch (err) {
    writer.abort()
    await rm(partial, { force: true })
    throw err
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

/** Streams a table's rows (primary-key order) to a scratch file, then into the archive. */
async function archiveTable(tx: Tx, writer: ArchiveWriter, table: TableInfo, path: string, scratch: string) {
  const scratchFile = join(scratch, basename(path))
  const out = createWriteStream(scratchFile, { mode: 0o600 })
  const columns = table.columns.map(ident).join(', ')
  const order = table.primaryKey.length > 0 ? ` order by ${table.primaryKey.map(ident).join(', ')}` : ''
  let rows = 0
  let bytes = 0
  await tx.execute(
    sql.raw(
      `declare tg_backup_rows no scroll cursor for select row_to_json(r)::text as j from (select ${columns} from ${ident(table.name)}${order}) r`,
    ),
  )
  for (;;) {
    const { rows: batch } = (await tx.execute(
      sql.raw(`fetch forward ${FETCH_ROWS} from tg_backup_rows`),
    )) as unknown as {
      rows: { j: string }[]
    }
    if (batch.length === 0) break
    const chunk = Buffer.from(batch.map((r) => `${r.j}\n`).join(''), 'utf8')
    rows += batch.length
    bytes += chunk.byteLength
    if (!out.write(chunk)) await once(out, 'drain')
  }
  await tx.execute(sql.raw('close tg_backup_rows'))
  out.end()
  await finished(out)
  const written = await writer.entry(path, bytes, createReadStream(scratchFile, { highWaterMark: 1 << 20 }))
  await rm(scratchFile)
  return { kind: 'table' as const, path, table: table.name, columns: table.columns, rows, ...written }
}
