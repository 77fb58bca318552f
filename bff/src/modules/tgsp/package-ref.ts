// A package's identity, found by its console id or its content id: what other modules (a run
// reporting the package it produced) may know of a package.
import { eq } from 'drizzle-orm'
import type { Executor } from '../../db/client'
import { tgspPackages } from '../../db/schema'

export type PackageRef = { id: string; packageId: string; modelName: string; modelVersion: string; contentId: string }

export async function findPackageRef(
  ex: Executor,
  ref: { id: string } | { contentId: string },
): Promise<PackageRef | null> {
  const [row] = await ex
    .select({
      id: tgspPackages.id,
      packageId: tgspPackages.packageId,
      modelName: tgspPackages.modelName,
      modelVersion: tgspPackages.modelVersion,
      contentId: tgspPackages.contentId,
    })
    .from(tgspPackages)
    .where('id' in ref ? eq(tgspPackages.id, ref.id) : eq(tgspPackages.contentId, ref.contentId))
  return row ?? null
}
