// Replays the whole log from its leaves ("verify everything"): every seq present and in order,
// every prevHash link, and the Merkle root of all leaves, in O(log n) memory. The work splits
// into chunks that can be verified in parallel (verifyChunk, in any worker) and then joined in
// order (LogReplay.pushChunk). Shared by the console's worker, the benchmark and offline tools.
import { sha256, toHex } from './hash'
import { TreeBuilder, perfectSubtrees } from './merkle'

export type ReplayCheck = 'missing' | 'json' | 'seq' | 'chain'
export type ReplayFailure = { seq: number; check: ReplayCheck; message: string }
export type ReplayLeaf = { seq: number; canonical: string }

/** What a chunk of consecutive leaves contributes to the whole tree. */
export type ChunkResult = {
  start: number
  count: number
  /** MTH of each aligned perfect subtree of [start, start + count), left to right. */
  subtrees: Array<{ level: number; hash: Uint8Array }>
  /** prevHash of the first leaf, to be linked to the leaf before the chunk. */
  firstPrevHash: string | null
  /** Hex leaf hash of the last leaf, for the next chunk's link. */
  lastLeafHash: string | null
  failure: ReplayFailure | null
}

const encoder = new TextEncoder()
const HEX = '0123456789abcdef'

/** True when `hex` (lowercase) spells exactly `bytes`; no allocation, for the hot loop. */
function hexEquals(hex: string | null, bytes: Uint8Array | null): boolean {
  if (hex === null || bytes === null) return hex === null && bytes === null
  if (hex.length !== bytes.length * 2) return false
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number
    if (hex.charCodeAt(2 * i) !== HEX.charCodeAt(byte >> 4) || hex.charCodeAt(2 * i + 1) !== HEX.charCodeAt(byte & 15))
      return false
  }
  return true
}

/** Leaf hashing with one reused buffer: SHA-256(0x00 || UTF-8 bytes) in a single call. */
function createLeafHasher() {
  let buffer = new Uint8Array(4096)
  return (text: string): Uint8Array => {
    if (buffer.length < text.length * 3 + 1) buffer = new Uint8Array(text.length * 3 + 1)
    buffer[0] = 0x00
    const { written } = encoder.encodeInto(text, buffer.subarray(1))
    return sha256(buffer.subarray(0, 1 + written))
  }
}

const SEQ_KEY = '"seq":'
const PREV_KEY = '"prevHash":'

/**
 * Top-level `seq` and `prevHash` of a canonical entry, read without a full JSON parse: in the
 * canonical form both keys follow `details` (the only field with arbitrary keys), and a quote
 * inside a string is always escaped, so their last occurrences are the top-level ones. The root
 * check covers every byte regardless; these two fields only name the broken link.
 */
function linkOf(canonical: string): { seq: number; prevHash: string | null } | null {
  const s = canonical.lastIndexOf(SEQ_KEY)
  const p = canonical.lastIndexOf(PREV_KEY)
  if (s < 0 || p < 0 || canonical[0] !== '{') return null
  let seq = 0
  let digits = 0
  for (let i = s + SEQ_KEY.length; digits < 16; i++, digits++) {
    const code = canonical.charCodeAt(i) - 48
    if (!(code >= 0 && code <= 9)) break
    seq = seq * 10 + code
  }
  const prevStart = p + PREV_KEY.length
  const prevHash = canonical.startsWith('null', prevStart)
    ? null
    : canonical[prevStart] === '"'
      ? canonical.slice(prevStart + 1, prevStart + 65)
      : undefined
  if (digits === 0 || prevHash === undefined) return null
  return { seq, prevHash }
}

/**
 * Verifies consecutive leaves starting at `start` (seq order, links within the chunk) and hashes
 * them into the perfect subtrees of their range. Pure; runs in any worker.
 */
export function verifyChunk(start: number, leaves: readonly ReplayLeaf[]): ChunkResult {
  const result: ChunkResult = { start, count: 0, subtrees: [], firstPrevHash: null, lastLeafHash: null, failure: null }
  const hashes: Uint8Array[] = []
  const hashLeaf = createLeafHasher()
  let prev: Uint8Array | null = null
  for (let i = 0; i < leaves.length; i++) {
    const leaf = leaves[i] as ReplayLeaf
    const expected = start + i
    const fail = (check: ReplayCheck, message: string) => ({ seq: expected, check, message })
    if (leaf.seq !== expected) {
      result.failure = fail('missing', `entry ${expected} is missing (the next entry served is ${leaf.seq})`)
      break
    }
    const link = linkOf(leaf.canonical)
    if (!link) {
      result.failure = fail('json', `entry ${expected} is not a canonical audit entry`)
      break
    }
    if (link.seq !== expected) {
      result.failure = fail('seq', `entry ${expected} says it is entry ${String(link.seq)}`)
      break
    }
    if (i === 0) result.firstPrevHash = link.prevHash
    else if (!hexEquals(link.prevHash, prev)) {
      result.failure = fail('chain', `entry ${expected} does not link to the hash of entry ${expected - 1}`)
      break
    }
    const hash = hashLeaf(leaf.canonical)
    hashes.push(hash)
    prev = hash
  }
  result.count = hashes.length
  result.lastLeafHash = prev && toHex(prev)
  let offset = 0
  for (const { level } of perfectSubtrees({ start, end: start + hashes.length })) {
    const width = 2 ** level
    const builder = new TreeBuilder()
    for (let j = offset; j < offset + width; j++) builder.push(hashes[j] as Uint8Array)
    result.subtrees.push({ level, hash: builder.root() })
    offset += width
  }
  return result
}

export class LogReplay {
  readonly #builder = new TreeBuilder()
  #lastLeafHash: string | null = null
  #failure: ReplayFailure | null = null

  get size(): number {
    return this.#builder.size
  }

  /** The first failure met, if any; once failed, later input is ignored. */
  get failure(): ReplayFailure | null {
    return this.#failure
  }

  /** Feeds the next leaf in ascending order. Returns the failure (the first one sticks). */
  push(seq: number, canonical: string): ReplayFailure | null {
    return this.pushChunk(verifyChunk(this.size, [{ seq, canonical }]))
  }

  /** Joins the result of the chunk that starts where the replay stands. */
  pushChunk(chunk: ChunkResult): ReplayFailure | null {
    if (this.#failure) return this.#failure
    if (chunk.start !== this.size) throw new Error(`chunk starts at ${chunk.start}, the replay is at ${this.size}`)
    if (chunk.count > 0 && chunk.firstPrevHash !== this.#lastLeafHash) {
      const seq = chunk.start
      return this.#fail({ seq, check: 'chain', message: `entry ${seq} does not link to the hash of entry ${seq - 1}` })
    }
    for (const subtree of chunk.subtrees) this.#builder.pushSubtree(subtree.level, subtree.hash)
    if (chunk.count > 0) this.#lastLeafHash = chunk.lastLeafHash
    return chunk.failure ? this.#fail(chunk.failure) : null
  }

  /** The Merkle root of every leaf joined so far. */
  root(): Uint8Array {
    return this.#builder.root()
  }

  #fail(failure: ReplayFailure): ReplayFailure {
    this.#failure = failure
    return failure
  }
}
