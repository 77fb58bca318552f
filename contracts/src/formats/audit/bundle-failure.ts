// How a bundle verification names what it found: the first broken link, or a file that is not
// a bundle this verifier reads.
export type BundleFailureSubject = 'bundle' | 'checkpoint' | 'consistency' | 'entry'
export type BundleFailure = {
  /** format: not a bundle of a format this verifier reads; broken: a check failed. */
  kind: 'format' | 'broken'
  subject: BundleFailureSubject
  seq?: number
  treeSize?: number
  check: string
  message: string
}
export type Failed = { ok: false; failure: BundleFailure }

export type Where = { subject: BundleFailureSubject; seq?: number; treeSize?: number; label: string }

export const fail = (where: Where, check: string, what: string, kind: BundleFailure['kind'] = 'broken'): Failed => {
  const { label, ...location } = where
  return { ok: false, failure: { kind, ...location, check, message: `${label}: ${what} (check: ${check})` } }
}
