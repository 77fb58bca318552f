import { Readable } from 'node:stream'
import { eq, sql } from 'drizzle-orm'
import type { Logger } from 'pino'
import type { Db } from '../../db/client'
import { tgspPackages } from '../../db/schema'
import { AppError, notFound } from '../../lib/errors'
import type { AuditContext, AuditLog } from '../audit/record'
import type { BlobStore } from './blobs'
import { toBlobStoreError } from './blob-errors'
import { findPackageRow } from './repo'

export type Download = {
  status: 200 | 206
  headers: Record<string, string>
  body: ReadableStream<Uint8Array>
}

type Range = { start: number; end: number }

/**
 * Parses a `Range` header for one byte range (RFC 9110). Null means "send the whole file":
 * no header, another unit, or several ranges (allowed to be ignored). Throws 416 when the
 * range lies outside the file.
 */
export function parseRange(header: string | undefined, size: number): Range | null {
  if (!header) return null
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!match) return null
  const [, first = '', last = ''] = match
  let range: Range | null = null
  if (first === '' && last !== '') {
    const suffix = Number(last)
    if (suffix > 0 && size > 0) range = { start: Math.max(0, size - suffix), end: size - 1 }
  } else if (first !== '') {
    const start = Number(first)
    const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
    if (last !== '' && Number(last) < start) return null
    if (start < size) range = { start, end }
  } else return null
  if (!range)
    throw new AppError(
      'RANGE_NOT_SATISFIABLE',
      `The range "${header}" is outside the file (${size} bytes).`,
      { size },
      { 'Content-Range': `bytes */${size}` },
    )
  return range
}

/** A store that does not answer (an object store down) is a 503, not a 500. */
async function fromStore<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step()
  } catch (err) {
    const reason = toBlobStoreError(err).reason
    throw new AppError('UPSTREAM_UNAVAILABLE', `The package store cannot be read now: ${reason}. Retry later.`, {
      dependency: 'blob-store',
    })
  }
}

/**
 * Counts one completed download: one atomic UPDATE (no read-modify-write), so concurrent
 * downloads on any number of replicas each count once.
 */
export async function countDownload(db: Db, id: string): Promise<void> {
  await db
    .update(tgspPackages)
    .set({ downloads: sql`${tgspPackages.downloads} + 1` })
    .where(eq(tgspPackages.id, id))
}

/**
 * The file's bytes; a whole-file download is counted when its last byte has been read out to the
 * response, before the body ends (so a client that read it all sees the new count). A download
 * the client abandons is cancelled before that and not counted; range requests (resumes, probes)
 * are not counted. A failed count is logged and does not break the download it would count.
 */
function countedBody(
  { db, log }: { db: Db; log: Logger },
  id: string,
  body: ReadableStream<Uint8Array>,
): ReadableStream<Uint8Array> {
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      async flush() {
        await countDownload(db, id).catch((err: unknown) =>
          log.warn({ err, packageId: id }, 'tgsp: a completed download could not be counted'),
        )
      },
    }),
  )
}

export async function openDownload(
  { db, audit, blobs, log }: { db: Db; audit: AuditLog; blobs: BlobStore; log: Logger },
  ctx: AuditContext,
  id: string,
  rangeHeader: string | undefined,
): Promise<Download> {
  const pkg = await findPackageRow(db, id)
  if (!pkg) throw notFound('Package')
  const size = await fromStore(() => blobs.size(pkg.contentId))
  if (size === null) throw new AppError('INTERNAL', 'The package file is missing from the blob store.')
  const range = parseRange(rangeHeader, size)
  await db.transaction((tx) =>
    audit.record(tx, ctx, {
      action: 'tgsp.package_downloaded',
      resourceType: 'tgsp_package',
      resourceId: pkg.id,
      outcome: 'success',
      details: {
        packageId: pkg.packageId,
        modelVersion: pkg.modelVersion,
        ...(range ? { range: [range.start, range.end] } : {}),
      },
    }),
  )
  const filename = `${pkg.modelName}-${pkg.modelVersion}.tgsp`.replace(/[^\w.+-]+/g, '_')
  const headers: Record<string, string> = {
    'Content-Type': 'application/octet-stream',
    'Content-Disposition': `attachment; filename="${filename}"`,
    'Accept-Ranges': 'bytes',
    ETag: `"${pkg.contentId}"`,
    'Cache-Control': 'private, no-store',
    'Content-Length': String(range ? range.end - range.start + 1 : size),
  }
  if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`
  const stream = await fromStore(() => blobs.read(pkg.contentId, range ?? undefined))
  const body = Readable.toWeb(stream) as ReadableStream<Uint8Array>
  return {
    status: range ? 206 : 200,
    headers,
    body: range ? body : countedBody({ db, log }, pkg.id, body),
  }
}
