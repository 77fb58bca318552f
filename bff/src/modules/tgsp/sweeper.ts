import type { Logger } from 'pino'
import type { BlobStore, SweptFile } from './blobs'

/** Removes leftovers of unfinished uploads once, logging what went. */
export async function sweepIncoming(blobs: BlobStore, log: Logger, afterMs: number): Promise<SweptFile[]> {
  const removed = await blobs.sweepIncoming(afterMs)
  if (removed.length > 0)
    log.info(
      { removed, bytes: removed.reduce((sum, f) => sum + f.bytes, 0) },
      'removed temporary files of uploads left unfinished (a crash or a stopped process)',
    )
  return removed
}

/**
 * Sweeps `.incoming/` every `intervalMs`, removing files idle longer than `afterMs`: a crash's
 * leftovers go within minutes, not at the next restart. `afterMs` stays well above the upload
 * idle timeout, so the file of a live upload (here or on another replica) is never removed.
 * Returns the function that stops the schedule.
 */
export function scheduleIncomingSweep(
  blobs: BlobStore,
  log: Logger,
  { intervalMs, afterMs }: { intervalMs: number; afterMs: number },
): () => void {
  let isRunning = false
  const timer = setInterval(() => {
    if (isRunning) return
    isRunning = true
    sweepIncoming(blobs, log, afterMs)
      .catch((err: unknown) => log.error({ err: (err as Error).message }, 'sweeping unfinished uploads failed'))
      .finally(() => (isRunning = false))
  }, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
