// Entries the page would show but the log does not hold. Without a filter the rows on screen
// must run contiguously from the checkpoint's newest entry down (and to entry 0 once every page
// is loaded), so the page checks that itself; with a filter, rows are apart by design and only
// the server can tell what is missing from what is filtered out (each page's `missing`).
import type { AuditEntryPage, SeqSpan } from '@tg/contracts'

export type GapReport = {
  /** Missing spans, lowest first, merged. */
  spans: SeqSpan[]
  /** The first (lowest) missing seq, null when nothing is missing. */
  first: number | null
  /** Rows are filtered: apart by design, and only the server's word says what is missing. */
  isFiltered: boolean
}

export type GapInput = {
  pages: readonly AuditEntryPage[]
  /** Seqs of the rows on screen, newest first. */
  seqs: readonly number[]
  /** The tree size of the checkpoint the rows are verified against (null before the first one). */
  treeSize: number | null
  isFiltered: boolean
  /** Whether older pages remain to be loaded. */
  hasMore: boolean
}

function merge(spans: SeqSpan[]): SeqSpan[] {
  const sorted = [...spans].sort((a, b) => a.first - b.first)
  const out: SeqSpan[] = []
  for (const span of sorted) {
    const last = out[out.length - 1]
    if (last && span.first <= last.last + 1) last.last = Math.max(last.last, span.last)
    else out.push({ ...span })
  }
  return out
}

/** What the page can see for itself in an unfiltered view: holes between and around its rows. */
function contiguityGaps({ seqs, treeSize, hasMore }: GapInput): SeqSpan[] {
  const spans: SeqSpan[] = []
  const newest = seqs[0]
  if (treeSize !== null && treeSize > 0 && (newest === undefined || newest < treeSize - 1))
    spans.push({ first: newest === undefined ? 0 : newest + 1, last: treeSize - 1 })
  for (let i = 1; i < seqs.length; i++) {
    const [above, below] = [seqs[i - 1]!, seqs[i]!]
    if (above - below > 1) spans.push({ first: below + 1, last: above - 1 })
  }
  const oldest = seqs[seqs.length - 1]
  if (!hasMore && oldest !== undefined && oldest > 0) spans.push({ first: 0, last: oldest - 1 })
  return spans
}

export function findGaps(input: GapInput): GapReport {
  const reported = input.pages.flatMap((page) => page.missing)
  const spans = merge(input.isFiltered ? reported : [...reported, ...contiguityGaps(input)])
  return { spans, first: spans[0]?.first ?? null, isFiltered: input.isFiltered }
}

/** "entry 150" or "entries 150–152" */
export function spanLabel(span: SeqSpan): string {
  return span.first === span.last ? `entry ${span.first}` : `entries ${span.first}–${span.last}`
}
