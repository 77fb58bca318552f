import { eq } from 'drizzle-orm'
import type { PackageDetail, SetPackageLabelsBody } from '@tg/contracts'
import type { Db } from '../../db/client'
import { tgspPackages } from '../../db/schema'
import { notFound } from '../../lib/errors'
import type { AuditContext, AuditLog } from '../audit/record'
import { getPackageDetail } from './repo'

/**
 * Replaces a package's labels (the body is validated, deduplicated and sorted by its schema). The
 * change and its audit entry (what was added and removed) commit together; setting the same
 * labels again changes nothing and records nothing.
 */
export async function setPackageLabels(
  { db, audit }: { db: Db; audit: AuditLog },
  ctx: AuditContext,
  id: string,
  body: SetPackageLabelsBody,
): Promise<PackageDetail> {
  await db.transaction(async (tx) => {
    const [before] = await tx
      .select({ labels: tgspPackages.labels, packageId: tgspPackages.packageId, version: tgspPackages.modelVersion })
      .from(tgspPackages)
      .where(eq(tgspPackages.id, id))
      .for('update')
    if (!before) throw notFound('Package')
    const added = body.labels.filter((label) => !before.labels.includes(label))
    const removed = before.labels.filter((label) => !body.labels.includes(label))
    if (added.length === 0 && removed.length === 0) return
    await tx.update(tgspPackages).set({ labels: body.labels }).where(eq(tgspPackages.id, id))
    await audit.record(tx, ctx, {
      action: 'tgsp.package_labels_changed',
      resourceType: 'tgsp_package',
      resourceId: id,
      outcome: 'success',
      details: { packageId: before.packageId, modelVersion: before.version, added, removed, labels: body.labels },
    })
  })
  const detail = await getPackageDetail(db, id)
  if (!detail) throw notFound('Package')
  return detail
}
