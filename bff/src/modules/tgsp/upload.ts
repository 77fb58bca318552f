import type { PackageDetail, TgspChecks } from '@tg/contracts'
import { TgspFormatError, TgspStreamParser, verifyParsed } from '@tg/contracts/formats/tgsp'
import type { TgspParsed } from '@tg/contracts/formats/tgsp'
import type { Logger } from 'pino'
import type { Db } from '../../db/client'
import { hasPgCode } from '../../db/client'
import { tgspPackages } from '../../db/schema'
import { AppError } from '../../lib/errors'
import { nodeSha256 } from '../../lib/tgsp-crypto'
import type { AuditContext, AuditLog } from '../audit/record'
import type { BlobStore, IncomingBlob } from './blobs'
import { allSigners, findPackageBy, getPackageDetail } from './repo'

type Deps = { db: Db; audit: AuditLog; blobs: BlobStore; log: Logger; maxBytes: number }

const NOT_RUN = { ok: false, reason: 'Not run: the structure check failed.' }
const CHECK_LABELS: Record<keyof TgspChecks, string> = {
  structure: 'Structure',
  hashes: 'Hashes',
  signatures: 'Signatures',
  signer: 'Signer',
  identity: 'Identity',
}

function tooLarge(maxBytes: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `The package is larger than the upload limit of ${maxBytes} bytes.`, {
    maxBytes,
  })
}

/** Reads the body into the temporary file and the parser; a structural fault stops storing, not reading. */
async function receive(
  body: AsyncIterable<Uint8Array>,
  incoming: IncomingBlob,
  parser: TgspStreamParser,
  maxBytes: number,
): Promise<{ bytes: number; parsed: TgspParsed | null; structureError: string | null }> {
  let bytes = 0
  let fault: TgspFormatError | null = null
  for await (const chunk of body) {
    bytes += chunk.byteLength
    if (bytes > maxBytes) throw tooLarge(maxBytes)
    if (fault) continue
    try {
      parser.push(chunk)
    } catch (err) {
      if (!(err instanceof TgspFormatError)) throw err
      fault = err
      await incoming.discard()
      continue
    }
    await incoming.write(chunk)
  }
  if (fault) return { bytes, parsed: null, structureError: fault.reason }
  try {
    return { bytes, parsed: parser.finish(), structureError: null }
  } catch (err) {
    if (!(err instanceof TgspFormatError)) throw err
    return { bytes, parsed: null, structureError: err.reason }
  }
}

async function identityCheck(db: Db, parsed: TgspParsed): Promise<TgspChecks['identity']> {
  const { package_id: packageId, model_version: modelVersion } = parsed.manifest
  const same = await findPackageBy(db, { packageId, modelVersion })
  if (!same) return { ok: true, reason: null }
  return {
    ok: false,
    reason: `Package ${packageId} version ${modelVersion} is already published with different bytes (package ${same.id}). Publish it under a new model_version.`,
  }
}

function duplicateOf(existingId: string): AppError {
  return new AppError('CONFLICT', 'These exact bytes were uploaded before: see the existing package.', {
    field: 'content',
    existingId,
    link: `/api/v1/tgsp/packages/${existingId}`,
  })
}

export async function uploadPackage(
  { db, audit, blobs, log, maxBytes }: Deps,
  ctx: AuditContext,
  body: AsyncIterable<Uint8Array>,
  declaredBytes: number | null,
): Promise<PackageDetail> {
  const refuse = async (action: string, details: Record<string, unknown>) =>
    db.transaction((tx) => audit.record(tx, ctx, { action, resourceType: 'tgsp_package', outcome: 'failure', details }))
  if (declaredBytes !== null && declaredBytes > maxBytes) {
    await refuse('tgsp.package_rejected', { reason: 'too_large', bytes: declaredBytes, maxBytes })
    throw tooLarge(maxBytes)
  }

  const incoming = await blobs.incoming()
  let isStored = false
  try {
    const parser = new TgspStreamParser({ maxPayloadBytes: maxBytes, createSha256: nodeSha256 })
    let received: Awaited<ReturnType<typeof receive>>
    try {
      received = await receive(body, incoming, parser, maxBytes)
    } catch (err) {
      if (err instanceof AppError) {
        await refuse('tgsp.package_rejected', { reason: 'too_large', bytes: parser.bytesRead, maxBytes })
        throw err
      }
      log.info({ err: (err as Error).message, bytes: parser.bytesRead }, 'package upload aborted')
      await refuse('tgsp.package_upload_aborted', { bytes: parser.bytesRead })
      throw new AppError('BAD_REQUEST', 'The upload ended before the whole package arrived. Nothing was kept.')
    }
    const { parsed, bytes } = received

    let checks: TgspChecks
    let publisherId: string | null = null
    if (!parsed) {
      const structure = { ok: false, reason: received.structureError }
      checks = { structure, hashes: NOT_RUN, signatures: NOT_RUN, signer: NOT_RUN, identity: NOT_RUN }
    } else {
      const duplicate = await findPackageBy(db, { contentId: parsed.contentId })
      if (duplicate) {
        await refuse('tgsp.package_duplicate', { existingId: duplicate.id, contentId: parsed.contentId })
        throw duplicateOf(duplicate.id)
      }
      const signers = (await allSigners(db)).map((p) => ({ ...p, revoked: p.revokedAt !== null }))
      const verified = verifyParsed(parsed, signers)
      publisherId = verified.checks.signer.ok ? (verified.signer?.id ?? null) : null
      checks = { ...verified.checks, identity: await identityCheck(db, parsed) }
    }

    const summary = {
      packageId: parsed?.manifest.package_id ?? null,
      modelVersion: parsed?.manifest.model_version ?? null,
    }
    const failed = (Object.keys(checks) as (keyof TgspChecks)[]).filter((name) => !checks[name].ok)
    if (!parsed || failed.length > 0 || !publisherId) {
      await refuse('tgsp.package_rejected', { ...summary, bytes, checks })
      const first = failed[0] ?? 'signer'
      throw new AppError(
        'PACKAGE_REJECTED',
        `The package was rejected. ${CHECK_LABELS[first]}: ${checks[first].reason ?? 'failed'}`,
        { checks, ...summary },
      )
    }

    const id = await storeVerified({ db, audit, blobs }, ctx, incoming, parsed, {
      bytes,
      checks,
      publisherId,
    }).then((stored) => {
      isStored = true
      return stored
    })
    const detail = await getPackageDetail(db, id)
    if (!detail) throw new Error('stored package not found')
    return detail
  } finally {
    if (!isStored) await incoming.discard()
  }
}

async function storeVerified(
  { db, audit, blobs }: Pick<Deps, 'db' | 'audit' | 'blobs'>,
  ctx: AuditContext,
  incoming: IncomingBlob,
  parsed: TgspParsed,
  { bytes, checks, publisherId }: { bytes: number; checks: TgspChecks; publisherId: string },
): Promise<string> {
  const { manifest } = parsed
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(tgspPackages)
        .values({
          packageId: manifest.package_id,
          modelName: manifest.model_name,
          modelVersion: manifest.model_version,
          status: 'verified',
          publisherId,
          baseModels: manifest.compat_base_model_id,
          sizeBytes: bytes,
          contentId: parsed.contentId,
          manifestJson: new TextDecoder().decode(parsed.raw.manifest),
          manifestSha256: parsed.digests.manifest,
          recipientsSha256: parsed.digests.recipients,
          payloadSha256: parsed.digests.payload,
          recipientsCount: parsed.recipients.length,
          checks,
          uploadedBy: ctx.actor.name,
        })
        .returning({ id: tgspPackages.id })
      if (!row) throw new Error('insert returned no row')
      await audit.record(tx, ctx, {
        action: 'tgsp.package_uploaded',
        resourceType: 'tgsp_package',
        resourceId: row.id,
        outcome: 'success',
        details: {
          packageId: manifest.package_id,
          modelName: manifest.model_name,
          modelVersion: manifest.model_version,
          bytes,
          contentId: parsed.contentId,
          publisherId,
          checks,
        },
      })
      // The file moves into place inside the transaction: a failed rename rolls the row back.
      await blobs.commit(incoming, parsed.contentId)
      return row.id
    })
  } catch (err) {
    // The row did not commit. Remove the blob unless a concurrent upload of the same bytes owns it.
    const owner = await findPackageBy(db, { contentId: parsed.contentId }).catch(() => null)
    if (!owner) await blobs.remove(parsed.contentId).catch(() => undefined)
    if (hasPgCode(err, '23505')) {
      if (owner) throw duplicateOf(owner.id)
      throw new AppError(
        'PACKAGE_REJECTED',
        `The package was rejected. Identity: package ${manifest.package_id} version ${manifest.model_version} was published with different bytes a moment ago.`,
        {
          checks: {
            ...checks,
            identity: { ok: false, reason: 'Published with different bytes by a concurrent upload.' },
          },
          packageId: manifest.package_id,
          modelVersion: manifest.model_version,
        },
      )
    }
    throw err
  }
}
