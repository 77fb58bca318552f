/**
 * A failure of the blob store's file system (full, over quota, read-only, failing), as opposed to a
 * client that stopped sending. `reason` is safe to show: it names no path of the server.
 */
export class BlobStoreError extends Error {
  override name = 'BlobStoreError'
  constructor(
    /** The system error code, e.g. `ENOSPC`; `EUNKNOWN` when the cause had none. */
    readonly code: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${reason} (${code})`, options)
  }
}

const REASONS: Record<string, string> = {
  ENOSPC: 'the package store is full (no space left on its disk)',
  EDQUOT: 'the package store is over its disk quota',
  EFBIG: 'the file is larger than the package store\u2019s file system allows',
  EROFS: 'the package store is on a read-only file system',
  EIO: 'the package store\u2019s disk reported an input/output error',
  EACCES: 'the server may not write to the package store',
  EPERM: 'the server may not write to the package store',
  EMFILE: 'the server has too many open files',
  ENFILE: 'the system has too many open files',
  ENOENT: 'the package store\u2019s folder is missing',
}

/** Wraps a file-system error of the blob store; a BlobStoreError passes through unchanged. */
export function toBlobStoreError(err: unknown): BlobStoreError {
  if (err instanceof BlobStoreError) return err
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : 'EUNKNOWN'
  return new BlobStoreError(code, REASONS[code] ?? 'the package store failed to write', { cause: err })
}

/** Runs a file-system step of the blob store, turning its failure into a BlobStoreError. */
export async function storing<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step()
  } catch (err) {
    throw toBlobStoreError(err)
  }
}
