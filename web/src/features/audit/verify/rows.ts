// Per-row verification: the entry's exact bytes, its seq, its inclusion in the verified
// checkpoint, and the prevHash links between consecutive rows (across pages, as they arrive).
import {
  fromHex,
  inclusionProofRanges,
  leafHash,
  parseEntryText,
  toHex,
  verifyInclusion,
} from '@tg/contracts/formats/audit'
import type { Failure, RowInput, RowResult } from './types'

/** The root rows are proven against: a checkpoint whose signatures verified, never anything else. */
export type TrustedRoot = { treeSize: number; rootHash: Uint8Array }

/** What rows are verified against: a verified root, a failed log, or nothing yet. */
export type RowContext =
  { kind: 'verified'; root: TrustedRoot } | { kind: 'failed'; reason: string } | { kind: 'unverified'; reason: string }

/** An entry whose inclusion in the verified tree holds: its leaf hash is authentic. */
type Included = { leaf: string; prevHash: string | null }

const encoder = new TextEncoder()

function contentFailures(row: RowInput): { failures: Failure[]; prevHash: string | null } {
  const { seq } = row
  const parsed = parseEntryText(row.canonical)
  if (!parsed.ok)
    return {
      failures: [{ check: 'canonical', seq, message: `Entry ${seq}: its text is ${parsed.reason}.` }],
      prevHash: null,
    }
  const { body } = parsed
  if (body.seq !== seq)
    return {
      failures: [{ check: 'seq', seq, message: `Entry ${seq}: its signed text says it is entry ${body.seq}.` }],
      prevHash: body.prevHash,
    }
  if ((seq === 0) !== (body.prevHash === null)) {
    const message = seq === 0 ? 'Entry 0 has a prevHash; the first entry has none.' : `Entry ${seq} has no prevHash.`
    return { failures: [{ check: 'chain', seq, message }], prevHash: body.prevHash }
  }
  return { failures: [], prevHash: body.prevHash }
}

function inclusionFailure(row: RowInput, root: TrustedRoot, leaf: Uint8Array): Failure | { pending: string } | null {
  const { seq, proof } = row
  const { treeSize } = root
  if (!proof) {
    if (seq < treeSize)
      return {
        check: 'inclusion',
        seq,
        message: `Entry ${seq}: no inclusion proof, although checkpoint ${treeSize} covers it.`,
      }
    return {
      pending: `Not yet covered by a signed checkpoint: the newest verified checkpoint covers entries 0 to ${treeSize - 1}.`,
    }
  }
  if (proof.treeSize !== treeSize)
    return { pending: `Proven against checkpoint ${proof.treeSize}, not the verified checkpoint ${treeSize}: reload.` }
  if (seq >= treeSize)
    return { check: 'inclusion', seq, message: `Entry ${seq}: not below the checkpoint's tree size ${treeSize}.` }
  const expected = inclusionProofRanges(seq, treeSize).length
  if (proof.hashes.length !== expected)
    return {
      check: 'inclusion',
      seq,
      message: `Entry ${seq}: its inclusion proof has ${proof.hashes.length} hashes, ${expected} expected.`,
    }
  const ok = verifyInclusion({
    leafIndex: seq,
    treeSize,
    leafHash: leaf,
    proof: proof.hashes.map(fromHex),
    rootHash: root.rootHash,
  })
  return ok
    ? null
    : {
        check: 'inclusion',
        seq,
        message: `Entry ${seq}: its inclusion proof does not lead to the signed root of checkpoint ${treeSize}; its bytes are not what was logged.`,
      }
}

/**
 * Verifies rows against one context (one checkpoint). Keeps the leaf hashes of included rows so
 * that the prevHash link between two consecutive entries is checked whichever arrives first.
 */
export class RowVerifier {
  readonly #context: RowContext
  readonly #included = new Map<number, Included>()
  readonly #results = new Map<number, RowResult>()

  constructor(context: RowContext) {
    this.#context = context
  }

  /** Results of `rows`, plus rows verified earlier whose state changed because of them. */
  verify(rows: readonly RowInput[]): RowResult[] {
    const out = new Map<number, RowResult>()
    const sorted = [...rows].sort((a, b) => a.seq - b.seq)
    for (const row of sorted) out.set(row.seq, this.#verifyOne(row))
    for (const row of sorted) {
      const included = this.#included.get(row.seq)
      if (!included) continue
      const before = this.#included.get(row.seq - 1)
      if (before && included.prevHash !== before.leaf) this.#breakChain(row.seq, out)
      const after = this.#included.get(row.seq + 1)
      if (after && after.prevHash !== included.leaf) this.#breakChain(row.seq + 1, out)
    }
    for (const result of out.values()) this.#results.set(result.seq, result)
    return [...out.values()]
  }

  #breakChain(seq: number, out: Map<number, RowResult>): void {
    const current = out.get(seq) ?? this.#results.get(seq)
    if (!current || current.failures.some((f) => f.check === 'chain')) return
    const message = `Entry ${seq}: its prevHash does not equal the leaf hash of entry ${seq - 1}; the chain is broken.`
    out.set(seq, {
      ...current,
      state: 'failed',
      pendingReason: null,
      failures: [...current.failures, { check: 'chain', seq, message }],
    })
  }

  #verifyOne(row: RowInput): RowResult {
    const leafBytes = leafHash(encoder.encode(row.canonical))
    const base = { seq: row.seq, leafHash: toHex(leafBytes), treeSize: null, pendingReason: null }
    const { failures, prevHash } = contentFailures(row)
    this.#included.delete(row.seq)
    const context = this.#context
    if (context.kind !== 'verified') {
      if (failures.length > 0) return { ...base, state: 'failed', failures }
      if (context.kind === 'failed' && row.proof)
        return {
          ...base,
          state: 'failed',
          failures: [{ check: 'checkpoint', seq: row.seq, message: `Entry ${row.seq}: ${context.reason}` }],
        }
      return { ...base, state: 'pending', failures, pendingReason: context.reason }
    }
    const { root } = context
    const inclusion = inclusionFailure(row, root, leafBytes)
    if (inclusion && 'pending' in inclusion) {
      if (failures.length > 0) return { ...base, state: 'failed', failures }
      return { ...base, state: 'pending', failures, pendingReason: inclusion.pending }
    }
    const all = inclusion ? [...failures, inclusion] : failures
    if (!inclusion) this.#included.set(row.seq, { leaf: base.leafHash, prevHash })
    return { ...base, treeSize: root.treeSize, state: all.length > 0 ? 'failed' : 'verified', failures: all }
  }
}
