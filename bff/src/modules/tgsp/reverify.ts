// Re-verification on demand: every check of the upload runs again on the stored bytes against the
// trust state of now (publisher keys active or revoked); the verdict is stored and audited.
import type { PackageDetail, TgspChecks } from '@tg/contracts'
import type { PACKAGE_STATUSES } from '@tg/contracts'
import { checkSigner, verifyTgspStream } from '@tg/contracts/formats/tgsp'
import type { TgspParsed } from '@tg/contracts/formats/tgsp'
import { eq, sql } from 'drizzle-orm'
import type { Db, Executor } from '../../db/client'
import { tgspPackages, tgspPublishers } from '../../db/schema'
import { AppError, notFound } from '../../lib/errors'
import { nodeSha256 } from '../../lib/tgsp-crypto'
import type { AuditContext, AuditLog } from '../audit/record'
import type { BlobStore } from './blobs'
import { toBlobStoreError } from './blob-errors'
import { findPackageRow, getPackageDetail } from './repo'
import type { PackageRow } from './repo'

type Deps = { db: Db; audit: AuditLog; blobs: BlobStore; maxBytes: number }

const NOT_RUN = (why: string) => ({ ok: false, reason: `Not run: ${why}` })

/** The stored file through the parser; a missing file fails the structure check, a store that does not answer is a 503. */
async function checkStored(deps: Deps, row: PackageRow): Promise<{ checks: TgspChecks; parsed: TgspParsed | null }> {
  try {
    if ((await deps.blobs.size(row.contentId)) === null) {
      const skipped = NOT_RUN('the stored file is missing.')
      const structure = { ok: false, reason: 'The stored file of this package is missing from the package store.' }
      return {
        checks: { structure, hashes: skipped, signatures: skipped, signer: skipped, identity: skipped },
        parsed: null,
      }
    }
    const stream = await deps.blobs.read(row.contentId)
    const verified = await verifyTgspStream(stream, {
      maxPayloadBytes: Math.max(deps.maxBytes, row.sizeBytes),
      createSha256: nodeSha256,
      signers: [],
    })
    const identity = verified.parsed ? identityOf(row, verified.parsed) : NOT_RUN('the structure check failed.')
    return { checks: { ...verified.checks, identity }, parsed: verified.parsed }
  } catch (err) {
    throw new AppError(
      'UPSTREAM_UNAVAILABLE',
      `The package store cannot be read now: ${toBlobStoreError(err).reason}. Retry later.`,
      { dependency: 'blob-store' },
    )
  }
}

/** The stored bytes must be the package registered under this id (same content id, id and version). */
function identityOf(row: PackageRow, parsed: TgspParsed): TgspChecks['identity'] {
  const { package_id: packageId, model_version: modelVersion } = parsed.manifest
  if (parsed.contentId === row.contentId && packageId === row.packageId && modelVersion === row.modelVersion)
    return { ok: true, reason: null }
  return {
    ok: false,
    reason: `The stored bytes are not package ${row.packageId} version ${row.modelVersion} as it was uploaded (content id ${row.contentId}).`,
  }
}

/** The signer check against the publishers as they are inside this transaction (locked against a concurrent revocation). */
async function signerNow(tx: Executor, parsed: TgspParsed): Promise<TgspChecks['signer']> {
  const rows = await tx.select().from(tgspPublishers).for('share')
  const { ok, reason } = checkSigner(
    parsed,
    rows.map((p) => ({ ...p, revoked: p.revokedAt !== null })),
  )
  return { ok, reason }
}

function statusOf(checks: TgspChecks, signerRevoked: boolean): (typeof PACKAGE_STATUSES)[number] {
  const failed = (Object.keys(checks) as (keyof TgspChecks)[]).filter((name) => !checks[name].ok)
  if (failed.length === 0) return 'verified'
  return failed.length === 1 && failed[0] === 'signer' && signerRevoked ? 'signer_revoked' : 'verification_failed'
}

export async function reverifyPackage(deps: Deps, ctx: AuditContext, id: string): Promise<PackageDetail> {
  const found = await findPackageRow(deps.db, id)
  if (!found) throw notFound('Package')
  const stored = await checkStored(deps, found)
  await deps.db.transaction(async (tx) => {
    const [row] = await tx.select().from(tgspPackages).where(eq(tgspPackages.id, id)).for('update')
    if (!row) throw notFound('Package')
    const [publisher] = await tx.select().from(tgspPublishers).where(eq(tgspPublishers.id, row.publisherId))
    const checks: TgspChecks = stored.parsed
      ? { ...stored.checks, signer: await signerNow(tx, stored.parsed) }
      : stored.checks
    const status = statusOf(checks, Boolean(publisher?.revokedAt))
    await tx
      .update(tgspPackages)
      .set({ status, checks, verifiedAt: sql`now()` })
      .where(eq(tgspPackages.id, id))
    const failed = (Object.keys(checks) as (keyof TgspChecks)[]).filter((name) => !checks[name].ok)
    await deps.audit.record(tx, ctx, {
      action: 'tgsp.package_reverified',
      resourceType: 'tgsp_package',
      resourceId: id,
      outcome: status === 'verified' ? 'success' : 'failure',
      details: {
        packageId: row.packageId,
        modelVersion: row.modelVersion,
        contentId: row.contentId,
        status: [row.status, status],
        failed,
        checks,
      },
    })
  })
  const detail = await getPackageDetail(deps.db, id)
  if (!detail) throw notFound('Package')
  return detail
}
