/** Why the packages table has no rows; each reason has its own message and one next action. */
export type PackageEmptyReason = 'past-end' | 'filtered' | 'no-publishers' | 'no-packages'

/**
 * Packages exist but not on this page (the URL names a page past the end), the filters match
 * none, no publisher is registered yet (nothing can be uploaded), or none has been uploaded.
 * `publisherCount` is null while the publishers are unknown.
 */
export function packageEmptyReasonOf(
  total: number,
  isFiltered: boolean,
  publisherCount: number | null,
): PackageEmptyReason {
  if (total > 0) return 'past-end'
  if (isFiltered) return 'filtered'
  return publisherCount === 0 ? 'no-publishers' : 'no-packages'
}
