// The log's integrity as the banner states it: one state, a title, and every named failure.
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
  const failures = [...result.failures, ...rowFailures(rows)]
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
  return {
    state: 'verified',
    title: 'The audit log verified',
    message: `${holds}${newer}`,
    failures: [],
    counts,
    trustMode,
    needsCheckpoint: counts.pending > 0,
  }
}
