import type { PackageDetail, TgspChecks } from '@tg/contracts'
import { TgspStreamParser, verifyParsed } from '@tg/contracts/formats/tgsp'
import type { TgspParsed } from '@tg/contracts/formats/tgsp'
import type { Db } from '../../db/client'
import { AppError } from '../../lib/errors'
import { WorkerSha256 } from '../../lib/sha256-worker'
import { nodeSha256 } from '../../lib/tgsp-crypto'
import type { AuditContext } from '../audit/record'
import type { IncomingBlob } from './blobs'
import { allSigners, findPackageBy, getPackageDetail } from './repo'
import type { UploadBody } from './upload-body'
import { receive } from './upload-receive'
import type { Received } from './upload-receive'
import { auditRefusal, checkDeclared, refusalOf } from './upload-refusals'
import type { RefusalDeps } from './upload-refusals'
import { duplicateOf, storeVerified } from './upload-store'

type Deps = RefusalDeps & { idleMs: number }

const NOT_RUN = { ok: false, reason: 'Not run: the structure check failed.' }
const CHECK_LABELS: Record<keyof TgspChecks, string> = {
  structure: 'Structure',
  hashes: 'Hashes',
  signatures: 'Signatures',
  signer: 'Signer',
  identity: 'Identity',
}

/**
 * Identity compares a package's id and version with published ones, which only means something for
 * intact bytes: a damaged or altered copy of a published package would otherwise also be told to
 * "publish under a new model_version". Such a copy fails the hash (or signature) check alone.
 */
async function identityCheck(
  db: Db,
  parsed: TgspParsed,
  integrity: Pick<TgspChecks, 'hashes' | 'signatures'>,
): Promise<TgspChecks['identity']> {
  if (!integrity.hashes.ok || !integrity.signatures.ok) {
    const failed = integrity.hashes.ok ? 'signature' : 'hash'
    return { ok: false, reason: `Not run: the ${failed} check failed, so these bytes are not the signed package.` }
  }
  const { package_id: packageId, model_version: modelVersion } = parsed.manifest
  const same = await findPackageBy(db, { packageId, modelVersion })
  if (!same) return { ok: true, reason: null }
  return {
    ok: false,
    reason: `Package ${packageId} version ${modelVersion} is already published with different bytes (package ${same.id}). Publish it under a new model_version.`,
  }
}

/** Runs the checks after the structure; refuses (audited) a duplicate or a failed check, else stores. */
async function verifyAndStore(deps: Deps, ctx: AuditContext, incoming: IncomingBlob, received: Received) {
  const { db } = deps
  const { parsed, bytes } = received
  let checks: TgspChecks
  let publisherId: string | null = null
  if (!parsed) {
    const structure = { ok: false, reason: received.structureError }
    checks = { structure, hashes: NOT_RUN, signatures: NOT_RUN, signer: NOT_RUN, identity: NOT_RUN }
  } else {
    const duplicate = await findPackageBy(db, { contentId: parsed.contentId })
    if (duplicate) {
      await auditRefusal(deps, ctx, 'tgsp.package_duplicate', { existingId: duplicate.id, contentId: parsed.contentId })
      throw duplicateOf(duplicate.id)
    }
    const signers = (await allSigners(db)).map((p) => ({ ...p, revoked: p.revokedAt !== null }))
    const verified = verifyParsed(parsed, signers)
    publisherId = verified.checks.signer.ok ? (verified.signer?.id ?? null) : null
    checks = { ...verified.checks, identity: await identityCheck(db, parsed, verified.checks) }
  }

  const summary = {
    packageId: parsed?.manifest.package_id ?? null,
    modelVersion: parsed?.manifest.model_version ?? null,
  }
  const failed = (Object.keys(checks) as (keyof TgspChecks)[]).filter((name) => !checks[name].ok)
  if (!parsed || failed.length > 0 || !publisherId) {
    await auditRefusal(deps, ctx, 'tgsp.package_rejected', { ...summary, bytes, checks })
    const first = failed[0] ?? 'signer'
    throw new AppError(
      'PACKAGE_REJECTED',
      `The package was rejected. ${CHECK_LABELS[first]}: ${checks[first].reason ?? 'failed'}`,
      {
        checks,
        ...summary,
      },
    )
  }
  return storeVerified(deps, ctx, incoming, parsed, { bytes, checks, publisherId })
}

/**
 * Streams a package to a temporary file, verifies it and stores it, or leaves nothing behind.
 * The body is released in every case, so an answer given before its end closes the connection.
 */
export async function uploadPackage(
  deps: Deps,
  ctx: AuditContext,
  body: UploadBody,
  declaredBytes: number | null,
): Promise<PackageDetail> {
  const progress = { bytes: 0 }
  let incoming: IncomingBlob | null = null
  let payloadHash: WorkerSha256 | null = null
  let isStored = false
  try {
    await checkDeclared(deps, ctx, declaredBytes)
    try {
      incoming = await deps.blobs.incoming()
      const hash = (payloadHash = new WorkerSha256())
      const parser = new TgspStreamParser({
        maxPayloadBytes: deps.maxBytes,
        createSha256: nodeSha256,
        hashPayload: false,
        onPayload: (piece) => hash.update(piece),
      })
      const limits = { maxBytes: deps.maxBytes, idleMs: deps.idleMs }
      const received = await receive(body, incoming, parser, hash, limits, progress)
      const id = await verifyAndStore(deps, ctx, incoming, received)
      isStored = true
      const detail = await getPackageDetail(deps.db, id)
      if (!detail) throw new Error('stored package not found')
      return detail
    } catch (err) {
      throw await refusalOf(deps, ctx, err, progress.bytes)
    }
  } finally {
    body.release()
    payloadHash?.dispose()
    if (!isStored) await incoming?.discard()
  }
}
