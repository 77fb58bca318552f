// "Verify everything": download every leaf up to the verified checkpoint, check that no seq is
// missing, that each entry names its seq, and that the prevHash chain holds; recompute the root
// (TreeBuilder, through the contracts' LogReplay) and compare it with the signed root. When the
// chain or the root breaks, single-entry inclusion proofs name the entry that was altered. Ranges
// are verified where they are downloaded (a pool of workers, see replay-pool.ts), joined here in order.
import { AUDIT_LEAVES_MAX } from '@tg/contracts'
import type { AuditEntryRecord } from '@tg/contracts'
import {
  LogReplay,
  bytesEqual,
  fromHex,
  inclusionProofRanges,
  leafHash,
  verifyChunk,
  verifyInclusion,
} from '@tg/contracts/formats/audit'
import type { ChunkResult, ReplayFailure } from '@tg/contracts/formats/audit'
import type { RangeVerifier } from './replay-pool'
import type { TrustedRoot } from './rows'
import type { Failure, VerifyAllProgress, VerifyAllResult } from './types'

export type LeafPage = { entries: Array<{ seq: number; canonical: string }> }

export type VerifyAllInput = {
  root: TrustedRoot
  /** Downloads and verifies one range (a worker of the pool); `fetchLeaves` pages are verified here otherwise. */
  verifyRange?: RangeVerifier
  fetchLeaves?: (start: number, count: number, signal: AbortSignal) => Promise<LeafPage>
  /** Fetches one entry with its inclusion proof against `root`, to tell which entry was altered. */
  fetchEntry?: (seq: number, signal: AbortSignal) => Promise<AuditEntryRecord>
  signal: AbortSignal
  onProgress?: (progress: VerifyAllProgress) => void
  /** Leaves per request (with fetchLeaves at most the server's 5000); a power of two keeps each chunk one subtree. */
  pageSize?: number
  /** Requests kept in flight ahead of the page being checked. */
  pagesAhead?: number
}

const encoder = new TextEncoder()
/** Leaves per request and per replay chunk (ARCHITECTURE.md: chunks of 4,096 leaves). */
const REPLAY_CHUNK = 4096

/** Whether an entry as served (bytes and proof) is included in the verified tree. */
export function isIncluded(record: AuditEntryRecord, root: TrustedRoot): boolean {
  const { proof, seq } = record
  if (!proof || proof.treeSize !== root.treeSize || seq >= root.treeSize) return false
  if (proof.hashes.length !== inclusionProofRanges(seq, root.treeSize).length) return false
  return verifyInclusion({
    leafIndex: seq,
    treeSize: root.treeSize,
    leafHash: leafHash(encoder.encode(record.canonical)),
    proof: proof.hashes.map(fromHex),
    rootHash: root.rootHash,
  })
}

type Located = { seq: number; isAltered: boolean } | null

/** The first of `seqs` whose bytes are not included in the tree, or null when all are (or unknown). */
async function firstAltered(input: VerifyAllInput, seqs: number[]): Promise<Located> {
  if (!input.fetchEntry) return null
  for (const seq of seqs) {
    const record = await input.fetchEntry(seq, input.signal)
    if (!isIncluded(record, input.root)) return { seq, isAltered: true }
  }
  return null
}

/**
 * With an intact chain and a wrong root, the altered entries are a suffix of the log (each
 * altered entry forces its successor's prevHash to change): find its start by binary search.
 */
async function firstAlteredOfSuffix(input: VerifyAllInput): Promise<Located> {
  if (!input.fetchEntry) return null
  let lo = 0
  let hi = input.root.treeSize - 1
  if ((await firstAltered(input, [hi])) === null) return null
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2)
    if ((await firstAltered(input, [mid])) === null) lo = mid + 1
    else hi = mid
  }
  return { seq: lo, isAltered: true }
}

const alteredFailure = (seq: number, treeSize: number): Failure => ({
  check: 'inclusion',
  seq,
  message: `Entry ${seq} was altered: its bytes do not lead to the signed root of checkpoint ${treeSize}.`,
})

async function chainFailure(input: VerifyAllInput, seq: number): Promise<Failure> {
  const altered = await firstAltered(input, [seq - 1, seq]).catch(() => null)
  if (altered) return alteredFailure(altered.seq, input.root.treeSize)
  return {
    check: 'chain',
    seq,
    message: `Entry ${seq}: its prevHash does not equal the leaf hash of entry ${seq - 1}.`,
  }
}

/** The range verifier: the input's own, or pages of `fetchLeaves` verified in this thread. */
function rangeVerifierOf(input: VerifyAllInput): RangeVerifier {
  if (input.verifyRange) return input.verifyRange
  const { fetchLeaves } = input
  if (!fetchLeaves) throw new Error('verifyAllLeaves needs verifyRange or fetchLeaves')
  return async (start, count, signal) => {
    const page = await fetchLeaves(start, count, signal)
    return verifyChunk(
      start,
      page.entries.filter((e) => e.seq < start + count),
    )
  }
}

/** Names a replay failure the way the console does ("Entry 12 …"). */
function failureOf(failure: ReplayFailure): Failure {
  const { seq } = failure
  switch (failure.check) {
    case 'missing':
      return { check: 'missing', seq, message: `Entry ${seq} is missing: the server did not return it in its place.` }
    case 'json':
      return { check: 'canonical', seq, message: `Entry ${seq}: its text is not a canonical audit entry.` }
    case 'seq':
      return { check: 'seq', seq, message: `Entry ${seq}: its text says it is another entry (${failure.message}).` }
    case 'chain':
      return {
        check: 'chain',
        seq,
        message: `Entry ${seq}: its prevHash does not equal the leaf hash of entry ${seq - 1}.`,
      }
  }
}

/**
 * Verifies the whole log up to the verified checkpoint with the shared replay (verifyChunk and
 * LogReplay): pages are downloaded a few ahead while earlier ones are checked, joined in order,
 * and the first broken entry stops the run.
 */
export async function verifyAllLeaves(input: VerifyAllInput): Promise<VerifyAllResult> {
  const started = performance.now()
  const { treeSize, rootHash } = input.root
  const pageSize = input.verifyRange
    ? (input.pageSize ?? REPLAY_CHUNK)
    : Math.min(input.pageSize ?? REPLAY_CHUNK, AUDIT_LEAVES_MAX)
  const verifyRange = rangeVerifierOf(input)
  const replay = new LogReplay()
  const failed = (failure: Failure): VerifyAllResult => ({
    state: 'failed',
    treeSize,
    done: replay.size,
    failure,
    elapsedMs: performance.now() - started,
  })
  const starts: number[] = []
  for (let start = 0; start < treeSize; start += pageSize) starts.push(start)
  const countAt = (start: number) => Math.min(pageSize, treeSize - start)
  const inFlight: Array<Promise<ChunkResult>> = []
  let requested = 0
  const fill = () => {
    while (inFlight.length < (input.pagesAhead ?? 3) && requested < starts.length) {
      const start = starts[requested++]!
      const chunk = verifyRange(start, countAt(start), input.signal)
      chunk.catch(() => undefined) // awaited in order below; an abandoned range must not go unhandled
      inFlight.push(chunk)
    }
  }
  for (const start of starts) {
    fill()
    const chunk = await inFlight.shift()!
    input.signal.throwIfAborted()
    const end = start + countAt(start)
    const failure = replay.pushChunk(chunk)
    if (failure?.check === 'chain') return failed(await chainFailure(input, failure.seq))
    if (failure) return failed(failureOf(failure))
    if (replay.size < end) return failed(failureOf({ seq: replay.size, check: 'missing', message: '' }))
    input.onProgress?.({ done: replay.size, total: treeSize })
  }
  if (!bytesEqual(replay.root(), rootHash)) {
    const altered = await firstAlteredOfSuffix(input).catch(() => null)
    if (altered) return failed(alteredFailure(altered.seq, treeSize))
    return failed({
      check: 'root',
      message: `The root recomputed from all ${treeSize} entries does not equal the signed root of checkpoint ${treeSize}.`,
    })
  }
  return { state: 'verified', treeSize, entries: replay.size, elapsedMs: performance.now() - started }
}
