import type { CreateVersionBody, ExpertVersion } from '@tg/contracts'
import { hasPgCode } from '../../../db/client'
import { expertVersions } from '../../../db/schema'
import { AppError, conflict } from '../../../lib/errors'
import type { AuditContext } from '../../audit/record'
import { VERSION_RESOURCE, publish } from '../context'
import type { FedmoeDeps } from '../context'
import { requireFamily, toVersion } from '../repo'

/** The package link is refused unless the marketplace has the package and it passed verification. */
async function checkPackage(deps: FedmoeDeps, packageId: string): Promise<void> {
  const pkg = await deps.tgsp.getPackage(packageId).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'NOT_FOUND')
      throw new AppError('VALIDATION_FAILED', 'The package does not exist in the marketplace.', {
        issues: [{ path: 'packageId', message: `No TGSP package ${packageId}.` }],
      })
    throw err
  })
  if (pkg.status !== 'verified')
    throw conflict(
      `Package ${pkg.modelName} ${pkg.modelVersion} is ${pkg.status.replace('_', ' ')}: only a package that passed verification can be linked.`,
      { field: 'packageId', packageStatus: pkg.status },
    )
}

export async function createVersion(
  deps: FedmoeDeps,
  ctx: AuditContext,
  expertId: string,
  body: CreateVersionBody,
): Promise<ExpertVersion> {
  await requireFamily(deps.db, expertId)
  if (body.packageId) await checkPackage(deps, body.packageId)
  try {
    return await deps.db.transaction(async (tx) => {
      const family = await requireFamily(tx, expertId)
      const [row] = await tx
        .insert(expertVersions)
        .values({
          expertId,
          version: body.version,
          packageId: body.packageId,
          notes: body.notes,
          status: 'adapting',
          createdBy: ctx.actor.name,
        })
        .returning()
      if (!row) throw new Error('insert returned no row')
      await deps.audit.record(tx, ctx, {
        action: 'fedmoe.version.created',
        resourceType: VERSION_RESOURCE,
        resourceId: row.id,
        outcome: 'success',
        details: { expertId, name: family.name, version: row.version, packageId: row.packageId },
      })
      await publish(deps, tx, { type: 'version', expertId, versionId: row.id, status: row.status })
      return toVersion(row)
    })
  } catch (err) {
    if (hasPgCode(err, '23505'))
      throw conflict(`Version ${body.version} exists already in this family.`, { field: 'version' })
    throw err
  }
}
