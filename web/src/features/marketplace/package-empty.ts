/** Why the packages table has no rows; each reason has its own message and one next action. */
export type PackageEmptyReason = 'filtered' | 'no-publishers' | 'no-packages'

/**
 * The first page is empty: the filters match none, no publisher is registered yet (nothing can
 * be uploaded), or none has been uploaded. `publisherCount` is null while the publishers are unknown.
 */
export function packageEmptyReasonOf(isFiltered: boolean, publisherCount: number | null): PackageEmptyReason {
  if (isFiltered) return 'filtered'
  return publisherCount === 0 ? 'no-publishers' : 'no-packages'
}
