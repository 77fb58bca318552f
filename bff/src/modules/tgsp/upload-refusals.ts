import { emit } from '../integrations/emit'
import type { Logger } from 'pino'
import type { Db } from '../../db/client'
import { AppError } from '../../lib/errors'
import type { AuditContext, AuditLog } from '../audit/record'
import { BlobStoreError, toBlobStoreError } from './blob-errors'
import type { BlobStore } from './blobs'
import { UploadAbortedError, UploadIdleError, tooLarge } from './upload-receive'

export type RefusalDeps = { db: Db; audit: AuditLog; blobs: BlobStore; log: Logger; maxBytes: number }

/** Audits a refused or aborted upload (outcome failure), like every other refusal. */
export async function auditRefusal(
  { db, audit }: Pick<RefusalDeps, 'db' | 'audit'>,
  ctx: AuditContext,
  action: string,
  details: Record<string, unknown>,
): Promise<void> {
  await db.transaction(async (tx) => {
    await audit.record(tx, ctx, { action, resourceType: 'tgsp_package', outcome: 'failure', details })
    if (action === 'tgsp.package_rejected') await emit(tx, 'package.refused', details)
  })
}

function insufficientStorage(err: BlobStoreError): AppError {
  return new AppError(
    'INSUFFICIENT_STORAGE',
    `The server could not store the package: ${err.reason}. Nothing was kept; retry later (the service health shows the package store's state).`,
    { cause: err.code },
  )
}

/**
 * Before reading: refuses (413) a declared size over the limit, and (507) one larger than the
 * free space of the package store, which would fail part way. Audits what it refuses.
 */
export async function checkDeclared(deps: RefusalDeps, ctx: AuditContext, declaredBytes: number | null) {
  if (declaredBytes === null) return
  const { maxBytes } = deps
  if (declaredBytes > maxBytes) {
    await auditRefusal(deps, ctx, 'tgsp.package_rejected', { reason: 'too_large', bytes: declaredBytes, maxBytes })
    throw tooLarge(maxBytes)
  }
  let space: Awaited<ReturnType<RefusalDeps['blobs']['space']>>
  try {
    space = await deps.blobs.space()
  } catch (err) {
    throw await refusalOf(deps, ctx, toBlobStoreError(err), 0)
  }
  // An object store has no free space to compare with (its own refusal surfaces while writing).
  if (space === null || declaredBytes <= space.freeBytes) return
  const { freeBytes } = space
  deps.log.error({ declaredBytes, freeBytes }, 'package upload refused: the package store has too little free space')
  await auditRefusal(deps, ctx, 'tgsp.package_rejected', {
    reason: 'insufficient_storage',
    bytes: declaredBytes,
    freeBytes,
  })
  throw new AppError(
    'INSUFFICIENT_STORAGE',
    `The server cannot store a package of ${declaredBytes} bytes now: its package store has ${freeBytes} bytes free. Nothing was kept.`,
    { cause: 'ENOSPC', declaredBytes, freeBytes },
  )
}

/**
 * What a failure while receiving or storing becomes: the client's error (audited), or the error
 * itself when it was audited already or is unexpected. A full or failing disk (507) is told apart
 * from a client that stalled (408) or went away.
 */
export async function refusalOf(deps: RefusalDeps, ctx: AuditContext, err: unknown, bytes: number): Promise<unknown> {
  const { log, maxBytes } = deps
  if (err instanceof AppError && err.code === 'PAYLOAD_TOO_LARGE') {
    await auditRefusal(deps, ctx, 'tgsp.package_rejected', { reason: 'too_large', bytes, maxBytes })
    return err
  }
  if (err instanceof UploadIdleError) {
    const idleSeconds = err.idleMs / 1000
    log.warn({ bytes, idleSeconds }, 'package upload timed out: no bytes arrived for the idle timeout')
    await auditRefusal(deps, ctx, 'tgsp.package_upload_aborted', { reason: 'idle_timeout', bytes, idleSeconds })
    return new AppError(
      'REQUEST_TIMEOUT',
      `No bytes of the upload arrived for ${idleSeconds} s, so the server ended it. Nothing was kept.`,
      { idleSeconds },
    )
  }
  if (err instanceof UploadAbortedError) {
    log.info({ err: err.message, bytes }, 'package upload aborted by the client')
    await auditRefusal(deps, ctx, 'tgsp.package_upload_aborted', { reason: 'client_aborted', bytes })
    return new AppError('BAD_REQUEST', 'The upload ended before the whole package arrived. Nothing was kept.')
  }
  if (err instanceof BlobStoreError) {
    log.error(
      { code: err.code, err: (err.cause as Error | undefined)?.message, bytes },
      'package upload failed: the package store cannot write',
    )
    // The database may sit on the same full disk: the client still gets its 507, the log the failed audit.
    await auditRefusal(deps, ctx, 'tgsp.package_rejected', {
      reason: 'insufficient_storage',
      cause: err.code,
      bytes,
    }).catch((auditErr: unknown) =>
      log.error({ err: (auditErr as Error).message }, 'auditing the refused upload failed'),
    )
    return insufficientStorage(err)
  }
  return err
}
