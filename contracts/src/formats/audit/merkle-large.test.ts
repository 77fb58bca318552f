// Spot checks beyond 2^32 leaves on a sparse tree: every leaf is the same "background" hash except
// a few special indexes, so the recursive reference stays cheap (subtrees without a special leaf
// are memoised by size) while the tree is a genuine RFC 6962 tree of up to 2^53 - 1 leaves.
import { describe, expect, it } from 'vitest'
import { leafHash, nodeHash, toHex } from './hash'
import {
  appendLeaf,
  consistencyProofRanges,
  hashRange,
  inclusionProofRanges,
  perfectSubtrees,
  TreeBuilder,
  verifyConsistency,
  verifyInclusion,
} from './merkle'

const utf8 = (text: string) => new TextEncoder().encode(text)
const BACKGROUND = leafHash(utf8('background'))
const SPECIAL_INDEXES = [
  0,
  1,
  5,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 31 + 1,
  2 ** 32 - 1,
  2 ** 32,
  2 ** 32 + 1,
  2 ** 40 + 12_344,
  2 ** 53 - 2,
]
const SPECIALS = new Map(SPECIAL_INDEXES.map((i) => [i, leafHash(utf8(`special ${i}`))]))
const SIZES = [2 ** 31, 2 ** 31 + 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 32 + 3, 2 ** 40 + 12_345, 2 ** 53 - 1]

function largestPowerOfTwoBelow(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

const backgroundMemo = new Map<number, Uint8Array>()
function backgroundMth(n: number): Uint8Array {
  if (n === 1) return BACKGROUND
  let hash = backgroundMemo.get(n)
  if (!hash) {
    const k = largestPowerOfTwoBelow(n)
    hash = nodeHash(backgroundMth(k), backgroundMth(n - k))
    backgroundMemo.set(n, hash)
  }
  return hash
}

/** MTH(D[start:end]) of the sparse tree, straight from the RFC 6962 definition. */
function mth(start: number, end: number): Uint8Array {
  if (!SPECIAL_INDEXES.some((i) => i >= start && i < end)) return backgroundMth(end - start)
  if (end - start === 1) return SPECIALS.get(start)!
  const k = largestPowerOfTwoBelow(end - start)
  return nodeHash(mth(start, start + k), mth(start + k, end))
}

function path(m: number, start: number, end: number): Uint8Array[] {
  if (end - start <= 1) return []
  const k = largestPowerOfTwoBelow(end - start)
  return m < k
    ? [...path(m, start, start + k), mth(start + k, end)]
    : [...path(m - k, start + k, end), mth(start, start + k)]
}

function subproof(m: number, start: number, end: number, b: boolean): Uint8Array[] {
  if (m === end - start) return b ? [] : [mth(start, end)]
  const k = largestPowerOfTwoBelow(end - start)
  return m <= k
    ? [...subproof(m, start, start + k, b), mth(start + k, end)]
    : [...subproof(m - k, start + k, end, false), mth(start, start + k)]
}

const getNode = (level: number, index: number) => mth(index * 2 ** level, (index + 1) * 2 ** level)
const hexes = (proof: readonly Uint8Array[]) => proof.map(toHex)

describe('trees beyond 2^32 leaves', () => {
  it.each(SIZES)('computes the root of size %i from stored subtrees', (n) => {
    expect(hashRange({ start: 0, end: n }, getNode)).toEqual(mth(0, n))
  })

  it.each(SIZES)('plans and verifies inclusion proofs in a tree of size %i', (n) => {
    const root = mth(0, n)
    for (const m of SPECIAL_INDEXES.filter((i) => i < n)) {
      const proof = inclusionProofRanges(m, n).map((r) => hashRange(r, getNode))
      expect(hexes(proof)).toEqual(hexes(path(m, 0, n)))
      const leaf = SPECIALS.get(m)!
      expect(verifyInclusion({ leafIndex: m, treeSize: n, leafHash: leaf, proof, rootHash: root })).toBe(true)
      expect(verifyInclusion({ leafIndex: n - 1 - m, treeSize: n, leafHash: leaf, proof, rootHash: root })).toBe(
        m === n - 1 - m,
      )
    }
  })

  it.each(SIZES)('plans and verifies consistency proofs into a tree of size %i', (n) => {
    for (const m of [1, 5, 6, ...SIZES].filter((size) => size <= n)) {
      const proof = consistencyProofRanges(m, n).map((r) => hashRange(r, getNode))
      const expected = m === n ? [] : subproof(m, 0, n, true)
      expect(hexes(proof)).toEqual(hexes(expected))
      expect(verifyConsistency({ oldSize: m, newSize: n, oldRoot: mth(0, m), newRoot: mth(0, n), proof })).toBe(true)
      if (m < n) {
        const wrongRoot = mth(0, m - 1 || 2)
        expect(verifyConsistency({ oldSize: m, newSize: n, oldRoot: wrongRoot, newRoot: mth(0, n), proof })).toBe(false)
      }
    }
  })

  it.each(SIZES.filter((n) => n < Number.MAX_SAFE_INTEGER))('appends to a frontier of size %i', (n) => {
    const frontier = perfectSubtrees({ start: 0, end: n }).map(({ level, index }) => getNode(level, index))
    const leaf = mth(n, n + 1)
    const { completed } = appendLeaf(frontier, n, leaf)
    for (const node of completed) expect(toHex(node.hash)).toBe(toHex(getNode(node.level, node.index)))
    const builder = new TreeBuilder({ frontier, size: n })
    builder.push(leaf)
    expect(builder.size).toBe(n + 1)
    expect(builder.root()).toEqual(mth(0, n + 1))
  })
})
