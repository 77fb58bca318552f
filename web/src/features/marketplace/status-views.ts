import type { Fleet, PackageSummary, Publisher, Release } from '@tg/contracts'

type Tone = 'success' | 'warning' | 'error' | 'info' | 'default'
type StatusView = { label: string; tone: Tone }

/** Badges of the marketplace's statuses: `value` for data-status, `label` for people. */
export const PACKAGE_STATUS_VIEW = {
  verified: { label: 'Verified', tone: 'success' },
  signer_revoked: { label: 'Untrusted: signer revoked', tone: 'error' },
  verification_failed: { label: 'Untrusted: verification failed', tone: 'error' },
} as const satisfies Record<PackageSummary['status'], StatusView>

export const PUBLISHER_STATUS_VIEW = {
  active: { label: 'Active', tone: 'success' },
  revoked: { label: 'Revoked', tone: 'error' },
} as const satisfies Record<Publisher['status'], StatusView>

export const FLEET_STATUS_VIEW = {
  active: { label: 'Active', tone: 'success' },
  archived: { label: 'Archived', tone: 'default' },
} as const satisfies Record<Fleet['status'], StatusView>

export const RELEASE_KIND_VIEW = {
  promotion: { label: 'Promotion', tone: 'info' },
  rollback: { label: 'Rollback', tone: 'warning' },
} as const satisfies Record<Release['kind'], StatusView>

/** The console route of a package. */
export const packagePath = (id: string) => `/marketplace/packages/${id}`
/** The releases view showing this release's fleet, with the release marked (a shareable link). */
export const releasePath = (release: { id: string; fleet: { id: string } }) =>
  `/marketplace/releases?fleet=${release.fleet.id}&release=${release.id}`
