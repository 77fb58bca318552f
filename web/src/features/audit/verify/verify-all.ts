// "Verify everything": download every leaf up to the verified checkpoint, check that no seq is
// missing, that each entry's text is canonical and names its seq, and that the prevHash chain
// holds; recompute the root with TreeBuilder and compare it with the signed root.
import type { AuditEntryRecord } from '@tg/contracts'
import {
  TreeBuilder,
  bytesEqual,
  fromHex,
  inclusionProofRanges,
  leafHash,
  parseEntryText,
  toHex,
  verifyInclusion,
} from '@tg/contracts/formats/audit'
import type { TrustedRoot } from './rows'
import type { Failure, VerifyAllProgress, VerifyAllResult } from './types'

export type LeafPage = { entries: Array<{ seq: number; canonical: string }> }

export type VerifyAllInput = {
  root: TrustedRoot
  fetchLeaves: (start: number, count: number, signal: AbortSignal) => Promise<LeafPage>
  /** Fetches one entry with its inclusion proof against `root`, to tell which entry was altered. */
  fetchEntry?: (seq: number, signal: AbortSignal) => Promise<AuditEntryRecord>
  signal: AbortSignal
  onProgress?: (progress: VerifyAllProgress) => void
  pageSize?: number
}

const encoder = new TextEncoder()

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
  return { check: 'chain', seq, message: `Entry ${seq}: its prevHash does not equal the leaf hash of entry ${seq - 1}.` }
}

function entryFailure(seq: number, canonical: string, previous: string | null): Failure | null {
  const parsed = parseEntryText(canonical)
  if (!parsed.ok) return { check: 'canonical', seq, message: `Entry ${seq}: its text is ${parsed.reason}.` }
  const { body } = parsed
  if (body.seq !== seq) return { check: 'seq', seq, message: `Entry ${seq}: its text says it is entry ${body.seq}.` }
  if (body.prevHash !== previous) return { check: 'chain', seq, message: '' }
  return null
}

/** Verifies the whole log up to the verified checkpoint; stops at the first broken entry. */
export async function verifyAllLeaves(input: VerifyAllInput): Promise<VerifyAllResult> {
  const started = performance.now()
  const { treeSize, rootHash } = input.root
  const pageSize = input.pageSize ?? 5000
  const builder = new TreeBuilder()
  let previous: string | null = null
  const failed = (failure: Failure): VerifyAllResult => ({
    state: 'failed',
    treeSize,
    done: builder.size,
    failure,
    elapsedMs: performance.now() - started,
  })
  while (builder.size < treeSize) {
    input.signal.throwIfAborted()
    const start = builder.size
    const count = Math.min(pageSize, treeSize - start)
    const page = await input.fetchLeaves(start, count, input.signal)
    for (const entry of page.entries) {
      const seq = builder.size
      if (seq >= start + count) break
      if (entry.seq !== seq) {
        const message =
          entry.seq > seq
            ? `Entry ${seq} is missing: the server's leaves go from entry ${seq - 1} to entry ${entry.seq}.`
            : `Entry ${entry.seq} is served twice or out of order (expected entry ${seq}).`
        return failed({ check: entry.seq > seq ? 'missing' : 'order', seq, message })
      }
      const failure = entryFailure(seq, entry.canonical, previous)
      if (failure?.check === 'chain') return failed(await chainFailure(input, seq))
      if (failure) return failed(failure)
      const leaf = leafHash(encoder.encode(entry.canonical))
      builder.push(leaf)
      previous = toHex(leaf)
    }
    if (builder.size < start + count) {
      const seq = builder.size
      return failed({ check: 'missing', seq, message: `Entry ${seq} is missing: the server did not return it.` })
    }
    input.onProgress?.({ done: builder.size, total: treeSize })
  }
  if (!bytesEqual(builder.root(), rootHash)) {
    const altered = await firstAlteredOfSuffix(input).catch(() => null)
    if (altered) return failed(alteredFailure(altered.seq, treeSize))
    return failed({
      check: 'root',
      message: `The root recomputed from all ${treeSize} entries does not equal the signed root of checkpoint ${treeSize}.`,
    })
  }
  return { state: 'verified', treeSize, entries: builder.size, elapsedMs: performance.now() - started }
}
