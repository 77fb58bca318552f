// The offline audit export (tensorguardflow.audit-bundle/v2) and its verifier. verifyBundle walks
// the chain of evidence in order and stops at the first broken link.
import { AUDIT_BUNDLE_FORMAT, AUDIT_BUNDLE_FORMAT_V1, AuditBundleSchema } from './bundle-schema'
import type { AuditBundle } from './bundle-schema'
import { bundleKeys, verifyCheckpoints, verifyConsistencyChain } from './bundle-checkpoints'
import { spanOf, verifyCoverage, verifyEntries } from './bundle-entries'
import { fail } from './bundle-failure'
import type { BundleFailure, Failed } from './bundle-failure'
import type { Checkpoint, VerifiedKey } from './checkpoint'
import { AUDIT_ENTRY_PROOF_FORMAT, verifyEntryProof } from './entry-proof'
import type { EntryProofSummary } from './entry-proof'
import type { AuditEntryFilter } from './filter'
import type { VerifierKey } from './note-keys'

export { AUDIT_BUNDLE_FORMAT, AUDIT_BUNDLE_FORMAT_V1, AuditBundleSchema, BundlePublicKeySchema } from './bundle-schema'
export type { AuditBundle, BundleSubtree } from './bundle-schema'
export type { BundleFailure, BundleFailureSubject } from './bundle-failure'
export { omittedTiles } from './bundle-tiles'
export type { BundleRange, SubtreeRef } from './bundle-tiles'
export { describeCoverage } from './bundle-coverage'

export type BundleSummary = {
  /** Entries included in the bundle. */
  entries: number
  checkpoints: number
  treeSize: number
  origin: string
  /** Keys whose signatures verified, over all checkpoints. */
  keys: VerifiedKey[]
  /** True when no trusted keys were given and the bundle's own public keys were used. */
  selfCertified: boolean
  /** The range [fromSeq, toSeq) proven accounted for, of the tree of size treeSize. */
  range: { fromSeq: number; toSeq: number; treeSize: number }
  /** Null: every entry of the range is included, proven complete. */
  filter: AuditEntryFilter | null
  /** Entries of the range the filter left out: their leaf hashes are proven, their contents not given. */
  leftOut: number
}
export type BundleVerification = { ok: true; summary: BundleSummary } | { ok: false; failure: BundleFailure }

const FORMAT_WHERE = { subject: 'bundle', label: 'bundle' } as const

/**
 * The bundle as the v2 schema reads it, or why it is not one. The format field is read first:
 * a v1 bundle is refused rather than verified without its completeness check, since anyone can
 * edit that field (a v2 bundle relabelled v1 must not verify with entries removed).
 */
function parseBundle(bundle: unknown): AuditBundle | Failed {
  const format =
    typeof bundle === 'object' && bundle !== null && 'format' in bundle ? (bundle as { format: unknown }).format : null
  if (format === AUDIT_BUNDLE_FORMAT_V1)
    return fail(
      FORMAT_WHERE,
      'format',
      `${AUDIT_BUNDLE_FORMAT_V1} does not state the range it covers, so a copy with entries removed cannot be told from a complete one; export the bundle again (${AUDIT_BUNDLE_FORMAT}): the log keeps every entry`,
      'format',
    )
  if (format !== AUDIT_BUNDLE_FORMAT)
    return fail(
      FORMAT_WHERE,
      'format',
      `not an audit bundle: format ${JSON.stringify(format ?? null)} is not ${AUDIT_BUNDLE_FORMAT} or ${AUDIT_ENTRY_PROOF_FORMAT}`,
      'format',
    )
  const parsed = AuditBundleSchema.safeParse(bundle)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const path = issue?.path.length ? issue.path.join('.') : 'bundle'
  return fail(FORMAT_WHERE, 'schema', `not an audit bundle: ${path}: ${issue?.message ?? 'invalid'}`, 'format')
}

/** The range must be the last checkpoint's tree and fit in it. */
function verifyRange(bundle: AuditBundle, head: Checkpoint): Failed | null {
  const { fromSeq, toSeq, treeSize } = bundle.range
  const where = { subject: 'bundle', treeSize: head.treeSize, label: 'range' } as const
  if (treeSize !== head.treeSize)
    return fail(where, 'range', `names tree size ${treeSize}, the last checkpoint's is ${head.treeSize}`)
  if (fromSeq > toSeq || toSeq > treeSize)
    return fail(where, 'range', `entries ${spanOf(fromSeq, toSeq)} do not fit a tree of size ${treeSize}`)
  return null
}

/**
 * Verifies an audit bundle offline: checkpoint signatures (against `trustedKeys`, or else the
 * bundle's own keys, which the summary reports as self-certified), origins, ascending sizes,
 * consistency between consecutive checkpoints, the range against the last checkpoint, then every
 * entry's canonical form, seq, place in the range, inclusion, prevHash link and filter, and last
 * that every seq of the tree is an entry or inside a left-out subtree (none in the range without
 * a filter: the first one missing is named) with the checkpoint's root. Stops at the first
 * broken link.
 */
export async function verifyBundle(
  bundle: unknown,
  options: { trustedKeys?: VerifierKey[] } = {},
): Promise<BundleVerification> {
  const data = parseBundle(bundle)
  if ('ok' in data) return data
  const ownKeys = bundleKeys(data)
  if (!Array.isArray(ownKeys)) return ownKeys
  const selfCertified = options.trustedKeys === undefined
  const chain = await verifyCheckpoints(data, options.trustedKeys ?? ownKeys)
  if ('ok' in chain) return chain
  const head = chain.checkpoints[chain.checkpoints.length - 1]!
  const broken = verifyConsistencyChain(data, chain.checkpoints) ?? verifyRange(data, head)
  if (broken) return broken
  const entries = verifyEntries(data, head)
  if ('ok' in entries) return entries
  const leftOut = verifyCoverage(data, entries, head)
  if (typeof leftOut !== 'number') return leftOut
  const summary: BundleSummary = {
    entries: data.entries.length,
    checkpoints: data.checkpoints.length,
    treeSize: head.treeSize,
    origin: data.origin,
    keys: chain.verifiedBy,
    selfCertified,
    range: data.range,
    filter: data.filter,
    leftOut,
  }
  return { ok: true, summary }
}

/** What a verified audit file holds: a bundle (a range of the log) or one entry's proof. */
export type AuditFileVerification =
  | { ok: true; kind: 'bundle'; summary: BundleSummary }
  | { ok: true; kind: 'entry'; summary: EntryProofSummary }
  | { ok: false; failure: BundleFailure }

/**
 * Verifies an audit file offline, by its format: an export bundle (verifyBundle) or one entry's
 * proof (verifyEntryProof, tensorguardflow.audit-entry-proof/v1).
 */
export async function verifyAuditFile(
  file: unknown,
  options: { trustedKeys?: VerifierKey[] } = {},
): Promise<AuditFileVerification> {
  const format =
    typeof file === 'object' && file !== null && 'format' in file ? (file as { format: unknown }).format : null
  if (format === AUDIT_ENTRY_PROOF_FORMAT) {
    const result = await verifyEntryProof(file, options)
    return result.ok ? { ok: true, kind: 'entry', summary: result.summary } : result
  }
  const result = await verifyBundle(file, options)
  return result.ok ? { ok: true, kind: 'bundle', summary: result.summary } : result
}
