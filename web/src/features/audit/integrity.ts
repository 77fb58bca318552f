// The log's integrity as the banner states it: one state, a title, and every named failure.
import { spanLabel } from './gaps'
import type { GapReport } from './gaps'
import type { LogPhase } from './use-audit-verifier'
import type { Failure, RowResult, TrustMode } from './verify/types'

export type IntegrityState = 'verified' | 'failed' | 'pending' | 'untrusted'

export type IntegritySummary = {
  state: IntegrityState
  title: string
  /** What the state means, in a sentence or two. */
  message: string
  /** Log failures first, then failed rows by seq. */
  failures: Failure[]
  counts: { verified: number; failed: number; pending: number; loaded: number }
  trustMode: TrustMode | null
  /** Entries wait for a checkpoint (none exists, or newer entries are shown): offer to cut one. */
  needsCheckpoint: boolean
}

export const TRUST_MODE_LABELS: Record<TrustMode, string> = {
  pinned: 'Keys pinned by configuration',
  'tofu-first-use': 'Trust on first use (first visit: keys remembered now)',
  tofu: 'Trust on first use (keys remembered by this browser)',
}

function countRows(rows: ReadonlyMap<number, RowResult>, loaded: number | null) {
  const counts = { verified: 0, failed: 0, pending: 0, loaded: loaded ?? 0 }
  for (const row of rows.values()) counts[row.state] += 1
  return counts
}

/** Failures of the failed rows, by ascending seq. */
function rowFailures(rows: ReadonlyMap<number, RowResult>): Failure[] {
  return [...rows.values()]
    .filter((row) => row.state === 'failed')
    .sort((a, b) => a.seq - b.seq)
    .flatMap((row) => row.failures)
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`
const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

/** The first few missing spans, as failures the banner lists (the first missing seq first). */
function gapFailures(gaps: GapReport, treeSize: number | null): Failure[] {
  const why = gaps.isFiltered
    ? 'the server reports that its log does not hold it, so it is not filtered out but missing'
    : `the rows shown must run without a hole${treeSize ? ` up to checkpoint ${treeSize}` : ''}, and the server did not serve it`
  return gaps.spans.slice(0, 5).map((span) => ({
    check: 'missing',
    seq: span.first,
    message: `${capitalize(spanLabel(span))} ${span.first === span.last ? 'is' : 'are'} missing: ${why}.`,
  }))
}

const pending = (title: string, message: string, counts: IntegritySummary['counts']): IntegritySummary => ({
  state: 'pending',
  title,
  message,
  failures: [],
  counts,
  trustMode: null,
  needsCheckpoint: false,
})

/**
 * The banner's state from the log verification and the rows verified so far; `loaded` is the
 * number of rows on screen, null while they are loading.
 */
export function summarizeIntegrity(
  log: LogPhase,
  rows: ReadonlyMap<number, RowResult>,
  loaded: number | null,
  gaps: GapReport | null = null,
): IntegritySummary {
  const counts = countRows(rows, loaded)
  switch (log.phase) {
    case 'waiting':
    case 'verifying':
      return pending('Verifying the audit log…', 'Checking the signatures of the newest checkpoint.', counts)
    case 'no-checkpoint':
      return {
        ...pending(
          'No signed checkpoint yet',
          'No entry is covered by a signed checkpoint yet, so none can be verified. Cut a checkpoint to verify them.',
          counts,
        ),
        needsCheckpoint: true,
      }
    case 'error':
      return pending('Verification could not run', log.message, counts)
    case 'done':
      break
  }
  const { log: result } = log
  const trustMode = result.trust.mode
  const missing = gaps?.first === null || !gaps ? [] : gapFailures(gaps, result.checkpoint?.treeSize ?? null)
  const failures = [...result.failures, ...missing, ...rowFailures(rows)]
  if (missing.length > 0 && result.state !== 'failed') {
    return {
      state: 'failed',
      title: 'The audit log is missing entries',
      message: `Entry ${gaps?.first} is the first missing entry. Each row shown may verify on its own, but the log is not whole: do not trust it until the missing entries are explained.`,
      failures,
      counts,
      trustMode,
      needsCheckpoint: false,
    }
  }
  if (result.state === 'failed' || counts.failed > 0) {
    return {
      state: 'failed',
      title: 'The audit log failed verification',
      message: 'Do not trust these entries until the failure is explained.',
      failures,
      counts,
      trustMode,
      needsCheckpoint: false,
    }
  }
  if (result.state === 'untrusted') {
    return {
      state: 'untrusted',
      title: 'Signed by keys this browser does not trust yet',
      message: result.trust.originChangedFrom
        ? `The server now names its log ${result.checkpoint?.origin ?? ''}; this browser trusted the keys of ${result.trust.originChangedFrom}.`
        : 'The newest checkpoint verifies only with keys the server presents but this browser has not seen before, for example after a key rotation. Compare their fingerprints out of band before trusting them.',
      failures,
      counts,
      trustMode,
      needsCheckpoint: false,
    }
  }
  if (result.state === 'unchecked')
    return { ...pending('Consistency not checked', result.consistency.message, counts), trustMode }
  const done = counts.verified + counts.failed + counts.pending
  if (loaded === null)
    return { ...pending('Loading entries…', 'The newest checkpoint verified; loading the entries.', counts), trustMode }
  if (done < loaded)
    return { ...pending('Verifying entries…', `${done} of ${loaded} entries checked.`, counts), trustMode }
  const covered = result.checkpoint ? `checkpoint ${result.checkpoint.treeSize}` : 'the checkpoint'
  const holds =
    counts.verified > 0
      ? `The checkpoint's signatures, its consistency with what this browser verified before, and the inclusion of the ${plural(counts.verified, 'entry', 'entries')} shown in ${covered} all hold.`
      : `The checkpoint's signatures and its consistency with what this browser verified before hold.`
  const newer =
    counts.pending > 0
      ? ` ${plural(counts.pending, 'newer entry is', 'newer entries are')} pending until the next checkpoint.`
      : ''
  const filtered = gaps?.isFiltered
    ? ' Filtered view: the entries between those shown are left out by the filter, and the server reports none missing in this part of the log.'
    : ''
  return {
    state: 'verified',
    title: 'The audit log verified',
    message: `${holds}${newer}${filtered}`,
    failures: [],
    counts,
    trustMode,
    needsCheckpoint: counts.pending > 0,
  }
}
