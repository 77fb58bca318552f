/**
 * `tgctl restore`: into an empty database at the archive's migration level, in one transaction,
 * after every part of the archive has been checked against its manifest.
 */
import { createHash } from 'node:crypto'
import { sql } from 'drizzle-orm'
import type { Database, Tx } from '../db/client'
import { SYSTEM_ACTOR, auditLogOf } from '../modules/audit/record'
import type { BackupBlobs, BlobSink } from './blobs'
import {
  SEEDED_BY_MIGRATIONS,
  databaseMigrationLevel,
  ident,
  listTables,
  nonEmptyTables,
  resetSequences,
} from './catalog'
import { BackupError, MANIFEST_PATH } from './format'
import type { Manifest, Part, TablePart } from './format'
import { readArchive } from './tar-in'
import type { ArchiveEvent } from './tar-in'
import { verifyArchive } from './verify'

const BATCH_ROWS = 1000
const BATCH_BYTES = 4 * 1024 * 1024

export type RestoreSummary = { manifest: Manifest; rows: number; tables: number; blobs: number }

export async function restoreBackup(database: Database, blobs: BackupBlobs, file: string): Promise<RestoreSummary> {
  const manifest = await verifyArchive(file)
  await database.migrate()
  const existing = await checkTarget(database, blobs, manifest)
  const written: string[] = []
  try {
    await database.db.transaction(async (tx) => {
      for (const part of manifest.parts)
        if (part.kind === 'table' && SEEDED_BY_MIGRATIONS.has(part.table))
          await tx.execute(sql.raw(`delete from ${ident(part.table)}`))
      await writeParts(tx, blobs, file, manifest, written)
      await resetSequences(tx, manifest.sequences)
      await auditLogOf().record(
        tx,
        { actor: SYSTEM_ACTOR, requestId: null, clientIp: null },
        {
          action: 'backup.restored',
          resourceType: 'backup',
          outcome: 'success',
          details: {
            createdAt: manifest.createdAt,
            from: manifest.database,
            migration: manifest.migration.tag,
            rows: countRows(manifest),
            blobs: written.length,
          },
        },
      )
    })
  } catch (err) {
    for (const id of written) if (!existing.has(id)) await blobs.remove(id).catch(() => undefined)
    throw err
  }
  const tables = manifest.parts.filter((p) => p.kind === 'table').length
  return { manifest, rows: countRows(manifest), tables, blobs: written.length }
}

const countRows = (m: Manifest) => m.parts.reduce((n, p) => n + (p.kind === 'table' ? p.rows : 0), 0)

/** Refuses a database that is not empty or not at the archive's level, and a blob store holding other blobs. */
async function checkTarget(database: Database, blobs: BackupBlobs, manifest: Manifest): Promise<Set<string>> {
  const level = await databaseMigrationLevel(database.db)
  if (level.tag !== manifest.migration.tag)
    throw new BackupError(
      `The archive was made at migration ${manifest.migration.tag}; this build's database is at ${level.tag}. ` +
        'Restore with the release that made the archive, then upgrade.',
    )
  const tables = await listTables(database.db)
  const byName = new Map(tables.map((t) => [t.name, t]))
  for (const part of manifest.parts) {
    if (part.kind !== 'table') continue
    const table = byName.get(part.table)
    if (!table || table.columns.join(',') !== part.columns.join(','))
      throw new BackupError(`The table ${part.table} in the archive does not match this database's schema.`)
  }
  const occupied = await nonEmptyTables(database.db, tables)
  if (occupied.length > 0)
    throw new BackupError(
      `The database is not empty (${occupied
        .slice(0, 5)
        .map((t) => `${t.table}: ${t.rows} row(s)`)
        .join(', ')}${occupied.length > 5 ? ', …' : ''}). ` +
        'Restore only into a new database (a new TG_DATA_DIR, or a new PostgreSQL database in DATABASE_URL) that no server has started on.',
    )
  const archived = new Set(manifest.parts.flatMap((p) => (p.kind === 'blob' ? [p.contentId] : [])))
  const existing = new Set<string>()
  for await (const id of blobs.list()) existing.add(id)
  const foreign = [...existing].filter((id) => !archived.has(id)).length
  if (foreign > 0)
    throw new BackupError(
      `The blob store holds ${foreign} package file(s) that are not in this archive; restore into an empty blob store.`,
    )
  return existing
}

type Writing =
  | { kind: 'table'; part: TablePart; hash: ReturnType<typeof createHash>; text: string; lines: string[]; size: number }
  | { kind: 'blob'; part: Part; hash: ReturnType<typeof createHash>; sink: BlobSink }
  | { kind: 'skip' }

/** The second pass: streams the archive again, inserting rows and writing blobs, each part re-hashed. */
async function writeParts(tx: Tx, blobs: BackupBlobs, file: string, manifest: Manifest, written: string[]) {
  const parts = new Map(manifest.parts.map((p) => [p.path, p]))
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let current = { kind: 'skip' } as Writing
  const flush = async (w: Extract<Writing, { kind: 'table' }>) => {
    if (w.lines.length === 0) return
    const cols = w.part.columns.map(ident).join(', ')
    await tx.execute(
      sql`insert into ${sql.raw(ident(w.part.table))} (${sql.raw(cols)}) select ${sql.raw(cols)} from json_populate_recordset(null::${sql.raw(ident(w.part.table))}, ${`[${w.lines.join(',')}]`}::json)`,
    )
    w.lines = []
    w.size = 0
  }
  try {
    for await (const event of readArchive(file)) await onEvent(event)
  } catch (err) {
    if (current.kind === 'blob') await current.sink.discard().catch(() => undefined)
    throw err
  }

  async function onEvent(event: ArchiveEvent) {
    if (event.type === 'entry') {
      const part = parts.get(event.path)
      const hash = createHash('sha256')
      if (event.path === MANIFEST_PATH || !part) current = { kind: 'skip' }
      else if (part.kind === 'table') current = { kind: 'table', part, hash, text: '', lines: [], size: 0 }
      else current = { kind: 'blob', part, hash, sink: await blobs.write(part.contentId) }
    } else if (event.type === 'data') {
      if (current.kind === 'skip') return
      current.hash.update(event.bytes)
      if (current.kind === 'blob') return current.sink.write(event.bytes)
      current.text += decoder.decode(event.bytes, { stream: true })
      const lines = current.text.split('\n')
      current.text = lines.pop()!
      for (const line of lines) {
        current.lines.push(line)
        current.size += line.length
        if (current.lines.length >= BATCH_ROWS || current.size >= BATCH_BYTES) await flush(current)
      }
    } else {
      if (current.kind === 'skip') return
      const sha256 = current.hash.digest('hex')
      if (sha256 !== current.part.sha256) {
        if (current.kind === 'blob') await current.sink.discard()
        throw new BackupError(`${current.part.path} changed while it was restored; nothing was restored.`)
      }
      if (current.kind === 'table') await flush(current)
      else {
        await current.sink.commit()
        if (current.part.kind === 'blob') written.push(current.part.contentId)
      }
      current = { kind: 'skip' }
    }
  }
}
