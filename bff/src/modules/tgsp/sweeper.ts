import { inArray } from 'drizzle-orm'
import type { Logger } from 'pino'
import type { Db } from '../../db/client'
import { tgspPackages } from '../../db/schema'
import type { BlobStore, StoredBlob, SweptFile } from './blobs'

type SweepDeps = { db: Db; blobs: BlobStore; log: Logger }

const BATCH = 500

/** Of `candidates`, the blobs that no package row references. */
async function unreferenced(db: Db, candidates: StoredBlob[]): Promise<StoredBlob[]> {
  if (candidates.length === 0) return []
  const ids = candidates.map((b) => b.contentId)
  const rows = await db
    .select({ contentId: tgspPackages.contentId })
    .from(tgspPackages)
    .where(inArray(tgspPackages.contentId, ids))
  const referenced = new Set(rows.map((r) => r.contentId))
  return candidates.filter((b) => !referenced.has(b.contentId))
}

/**
 * Removes blobs older than `afterMs` that no package row references: the bytes of an upload whose
 * transaction did not commit because the process stopped between moving the blob into place and
 * committing. The age keeps the blob of an upload committing right now (its row not yet visible).
 */
export async function sweepUnreferenced({ db, blobs, log }: SweepDeps, afterMs: number): Promise<SweptFile[]> {
  const removed: SweptFile[] = []
  // A database without a single package beside a store with blobs is a misconfiguration (a fresh or
  // wrong DATABASE_URL on a shared bucket), not a set of orphans: remove nothing and say so.
  const [anyPackage] = await db.select({ id: tgspPackages.id }).from(tgspPackages).limit(1)
  if (!anyPackage) {
    for await (const blob of blobs.listBlobs()) {
      log.warn(
        { store: blobs.label, example: blob.contentId },
        'the package store holds blobs but the database has no package: not sweeping them (check DATABASE_URL and the store)',
      )
      break
    }
    return removed
  }
  let batch: StoredBlob[] = []
  const flush = async () => {
    for (const blob of await unreferenced(db, batch)) {
      await blobs.remove(blob.contentId)
      removed.push({ name: `sha256/${blob.contentId}`, bytes: blob.bytes, idleSeconds: Math.round(blob.ageMs / 1000) })
    }
    batch = []
  }
  for await (const blob of blobs.listBlobs()) {
    if (blob.ageMs < afterMs) continue
    batch.push(blob)
    if (batch.length >= BATCH) await flush()
  }
  await flush()
  return removed
}

/** Removes leftovers of unfinished uploads and blobs no package references once, logging what went. */
export async function sweepIncoming(deps: SweepDeps, afterMs: number): Promise<SweptFile[]> {
  const { blobs, log } = deps
  const removed = await blobs.sweepIncoming(afterMs)
  if (removed.length > 0)
    log.info(
      { removed, bytes: removed.reduce((sum, f) => sum + f.bytes, 0), store: blobs.label },
      'removed temporary files of uploads left unfinished (a crash or a stopped process)',
    )
  const orphans = await sweepUnreferenced(deps, afterMs)
  if (orphans.length > 0)
    log.warn(
      { removed: orphans, bytes: orphans.reduce((sum, f) => sum + f.bytes, 0), store: blobs.label },
      'removed stored blobs that no package references (an upload stopped before its row committed)',
    )
  return [...removed, ...orphans]
}

/**
 * Sweeps every `intervalMs`, removing temporary uploads idle longer than `afterMs`: a crash's
 * leftovers go within minutes, not at the next restart. `afterMs` stays well above the upload
 * idle timeout, so the upload of a live request (here or on another replica) is never removed.
 * Returns the function that stops the schedule.
 */
export function scheduleIncomingSweep(
  deps: SweepDeps,
  { intervalMs, afterMs }: { intervalMs: number; afterMs: number },
): () => void {
  let isRunning = false
  const timer = setInterval(() => {
    if (isRunning) return
    isRunning = true
    sweepIncoming(deps, afterMs)
      .catch((err: unknown) => deps.log.error({ err: (err as Error).message }, 'sweeping unfinished uploads failed'))
      .finally(() => (isRunning = false))
  }, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
