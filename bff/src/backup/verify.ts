/** The first pass of a restore: every part of the archive checked against its manifest before anything is written. */
import { createHash } from 'node:crypto'
import { BACKUP_FORMAT, BackupError, MANIFEST_PATH, ManifestSchema } from './format'
import type { Manifest } from './format'
import { readArchive } from './tar-in'

const MAX_MANIFEST_BYTES = 64 * 1024 * 1024

type Seen = { bytes: number; sha256: string; lines: number }

/** Reads the whole archive once; returns its manifest when every part is present, whole and unchanged. */
export async function verifyArchive(file: string): Promise<Manifest> {
  const seen = new Map<string, Seen>()
  let manifestText: Buffer | null = null
  let current: {
    path: string
    hash: ReturnType<typeof createHash>
    bytes: number
    lines: number
    keep: Buffer[] | null
  } | null = null
  for await (const event of readArchive(file)) {
    if (event.type === 'entry') {
      if (!event.isFile)
        throw new BackupError(`The archive holds a folder entry "${event.path}", which a backup never has.`)
      current = {
        path: event.path,
        hash: createHash('sha256'),
        bytes: 0,
        lines: 0,
        keep: event.path === MANIFEST_PATH ? [] : null,
      }
      if (event.path === MANIFEST_PATH && event.size > MAX_MANIFEST_BYTES)
        throw new BackupError(`The archive's manifest is ${event.size} bytes, too large to be one.`)
    } else if (event.type === 'data' && current) {
      current.hash.update(event.bytes)
      current.bytes += event.bytes.byteLength
      for (const byte of event.bytes) if (byte === 0x0a) current.lines++
      current.keep?.push(Buffer.from(event.bytes))
    } else if (event.type === 'end' && current) {
      if (current.keep) manifestText = Buffer.concat(current.keep)
      else seen.set(current.path, { bytes: current.bytes, sha256: current.hash.digest('hex'), lines: current.lines })
      current = null
    }
  }
  if (!manifestText) throw new BackupError(`The archive has no ${MANIFEST_PATH}: it is incomplete or not a backup.`)
  const manifest = parseManifest(manifestText)
  const problems: string[] = []
  const listed = new Set<string>()
  for (const part of manifest.parts) {
    listed.add(part.path)
    const found = seen.get(part.path)
    if (!found) problems.push(`${part.path} is missing`)
    else if (found.bytes !== part.bytes)
      problems.push(`${part.path} has ${found.bytes} bytes, the manifest says ${part.bytes}`)
    else if (found.sha256 !== part.sha256) problems.push(`${part.path} does not match its SHA-256 in the manifest`)
    else if (part.kind === 'table' && found.lines !== part.rows)
      problems.push(`${part.path} has ${found.lines} rows, the manifest says ${part.rows}`)
  }
  for (const path of seen.keys()) if (!listed.has(path)) problems.push(`${path} is not in the manifest`)
  if (problems.length > 0)
    throw new BackupError(`The archive is corrupt; nothing was restored:\n  ${problems.join('\n  ')}`)
  return manifest
}

function parseManifest(text: Buffer): Manifest {
  let json: unknown
  try {
    json = JSON.parse(text.toString('utf8'))
  } catch {
    throw new BackupError(`The archive's ${MANIFEST_PATH} is not JSON.`)
  }
  const format = (json as { format?: unknown } | null)?.format
  const parsed = ManifestSchema.safeParse(json)
  if (parsed.success) return parsed.data
  if (typeof format === 'string' && format !== BACKUP_FORMAT)
    throw new BackupError(`The archive's format is ${format}; this build restores ${BACKUP_FORMAT}.`)
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'manifest'}: ${i.message}`)
  throw new BackupError(`The archive's ${MANIFEST_PATH} is invalid:\n  ${issues.join('\n  ')}`)
}
