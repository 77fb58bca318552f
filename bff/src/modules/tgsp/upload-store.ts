import { emit } from '../integrations/emit'
import type { TgspChecks } from '@tg/contracts'
import type { TgspParsed } from '@tg/contracts/formats/tgsp'
import type { Db } from '../../db/client'
import { hasPgCode } from '../../db/client'
import { tgspPackages } from '../../db/schema'
import { AppError } from '../../lib/errors'
import type { AuditContext, AuditLog } from '../audit/record'
import type { BlobStore, IncomingBlob } from './blobs'
import { findPackageBy } from './repo'

export function duplicateOf(existingId: string): AppError {
  return new AppError('CONFLICT', 'These exact bytes were uploaded before: see the existing package.', {
    field: 'content',
    existingId,
    link: `/api/v1/tgsp/packages/${existingId}`,
  })
}

/** Inserts the row, writes its audit entry and moves the file into place, in one transaction. */
export async function storeVerified(
  { db, audit, blobs }: { db: Db; audit: AuditLog; blobs: BlobStore },
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
      await emit(tx, 'package.verified', {
        id: row.id,
        packageId: manifest.package_id,
        modelName: manifest.model_name,
        modelVersion: manifest.model_version,
        bytes,
        contentId: parsed.contentId,
        publisherId,
      })
      // The bytes move to their content address inside the transaction: a failed move rolls the row back.
      await incoming.commit(parsed.contentId)
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
