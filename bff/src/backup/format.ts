/**
 * The backup archive: a gzip-compressed USTAR file (the project's own deterministic writer and
 * refusing reader from `@tg/contracts/formats/tgsp`) holding
 *
 *   tables/NNNN-<table>.ndjson   one JSON object per row (PostgreSQL's row_to_json), foreign-key order
 *   blobs/<content id>           each package file referenced by the archived rows
 *   manifest.json                last: format, migration level, time, and rows + bytes + SHA-256 per part
 *
 * Portable: written and read with Node alone (no pg_dump), restorable into PGlite or PostgreSQL.
 */
import { z } from 'zod'

export const BACKUP_FORMAT = 'tensorguardflow.backup/v1'
export const MANIFEST_PATH = 'manifest.json'

export const SEALED_NOTE =
  'Secrets are archived sealed, exactly as stored: this archive restores a working console only with the TG_KEY_MASTER ' +
  'in use when it was made (and TG_SESSION_SECRET for existing sessions and API keys).'

const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/)

export const TablePartSchema = z.object({
  kind: z.literal('table'),
  path: z.string(),
  table: z.string(),
  columns: z.array(z.string()),
  rows: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  sha256: Sha256Schema,
})
export const BlobPartSchema = z.object({
  kind: z.literal('blob'),
  path: z.string(),
  contentId: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  sha256: Sha256Schema,
})
export const PartSchema = z.discriminatedUnion('kind', [TablePartSchema, BlobPartSchema])

export const ManifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  createdAt: z.string(),
  database: z.enum(['pglite', 'postgres']),
  migration: z.object({ tag: z.string(), count: z.number().int() }),
  parts: z.array(PartSchema),
  sequences: z.array(
    z.object({ table: z.string(), column: z.string(), lastValue: z.string().regex(/^-?\d+$/), isCalled: z.boolean() }),
  ),
  note: z.string(),
})

export type TablePart = z.infer<typeof TablePartSchema>
export type BlobPart = z.infer<typeof BlobPartSchema>
export type Part = z.infer<typeof PartSchema>
export type Manifest = z.infer<typeof ManifestSchema>

/** A refused restore or backup: the CLI prints the message and exits 1. */
export class BackupError extends Error {
  override name = 'BackupError'
}

export const tablePath = (index: number, table: string) => `tables/${String(index).padStart(4, '0')}-${table}.ndjson`
export const blobPath = (contentId: string) => `blobs/${contentId}`
