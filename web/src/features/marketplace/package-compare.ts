import type { PackageSummary } from '@tg/contracts'

type Candidate = Pick<PackageSummary, 'id' | 'packageId' | 'modelName' | 'modelVersion' | 'uploadedAt'>
export type CompareOption = { value: string; label: string }
export type CompareGroup = { label: string; options: CompareOption[] }

/** The console path of the diff from package `against` to package `id` (both ids in the URL). */
export const packageDiffPath = (id: string, against: string) => `/marketplace/packages/${id}/compare/${against}`

const labelOf = (pkg: Candidate) => `${pkg.modelName} ${pkg.modelVersion}`

/**
 * What "Compare with…" offers for `current`: the other versions of the same model (same package
 * id) first, newest first, then other packages; never the package itself, nor one twice.
 */
export function compareGroupsOf(current: Candidate, sameModel: readonly Candidate[], others: readonly Candidate[]) {
  const versions = sameModel
    .filter((pkg) => pkg.packageId === current.packageId && pkg.id !== current.id)
    .sort((a, b) => b.uploadedAt.localeCompare(a.uploadedAt))
  const seen = new Set([current.id, ...versions.map((pkg) => pkg.id)])
  const rest = others.filter((pkg) => !seen.has(pkg.id))
  const groups: CompareGroup[] = []
  if (versions.length > 0)
    groups.push({
      label: `Other versions of ${current.modelName}`,
      options: versions.map((pkg) => ({ value: pkg.id, label: labelOf(pkg) })),
    })
  if (rest.length > 0)
    groups.push({ label: 'Other packages', options: rest.map((pkg) => ({ value: pkg.id, label: labelOf(pkg) })) })
  return groups
}

/** A manifest value as one line of text for the diff table. */
export function formatDiffValue(value: unknown): string {
  if (value === undefined) return '—'
  return typeof value === 'string' ? value : JSON.stringify(value)
}
