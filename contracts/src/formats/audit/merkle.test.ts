import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EMPTY_ROOT, leafHash, nodeHash, toHex } from './hash'
import {
  appendLeaf,
  consistencyProofRanges,
  hashRange,
  inclusionProofRanges,
  merkleRoot,
  perfectSubtrees,
  rootFromFrontier,
  TreeBuilder,
  verifyConsistency,
  verifyInclusion,
  type Frontier,
  type Range,
} from './merkle'

const utf8 = (text: string) => new TextEncoder().encode(text)

// ---- Straightforward recursive reference (RFC 6962 §2.1 over arrays), memoised by range ----

const MAX_SIZE = 300
const LEAVES = Array.from({ length: MAX_SIZE }, (_, i) => leafHash(utf8(`entry ${i}`)))
const memo = new Map<string, Uint8Array>()

function largestPowerOfTwoBelow(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

/** MTH(D[start:end]) over the array LEAVES. */
function mth(start: number, end: number): Uint8Array {
  const n = end - start
  if (n === 0) return EMPTY_ROOT
  if (n === 1) return LEAVES[start]!
  const key = `${start}:${end}`
  let hash = memo.get(key)
  if (!hash) {
    const k = largestPowerOfTwoBelow(n)
    hash = nodeHash(mth(start, start + k), mth(start + k, end))
    memo.set(key, hash)
  }
  return hash
}

/** PATH(m, D[start:end]). */
function path(m: number, start: number, end: number): Uint8Array[] {
  const n = end - start
  if (n <= 1) return []
  const k = largestPowerOfTwoBelow(n)
  return m < k
    ? [...path(m, start, start + k), mth(start + k, end)]
    : [...path(m - k, start + k, end), mth(start, start + k)]
}

/** SUBPROOF(m, D[start:end], b). */
function subproof(m: number, start: number, end: number, b: boolean): Uint8Array[] {
  const n = end - start
  if (m === n) return b ? [] : [mth(start, end)]
  const k = largestPowerOfTwoBelow(n)
  return m <= k
    ? [...subproof(m, start, start + k, b), mth(start + k, end)]
    : [...subproof(m - k, start + k, end, false), mth(start, start + k)]
}

const referenceProof = (m: number, n: number) => (m === 0 || m === n ? [] : subproof(m, 0, n, true))

/** A server's node store for LEAVES: only aligned perfect subtrees may be read. */
function getNode(level: number, index: number): Uint8Array {
  const size = 2 ** level
  if (index * size + size > MAX_SIZE) throw new Error(`node ${level}/${index} is not complete`)
  return mth(index * size, (index + 1) * size)
}

/** Proofs as text, for fast comparison in the exhaustive loops. */
const hexes = (proof: readonly Uint8Array[]) => proof.map(toHex).join(',')

const planInclusion = (m: number, n: number) => inclusionProofRanges(m, n).map((r) => hashRange(r, getNode))
const planConsistency = (m: number, n: number) => consistencyProofRanges(m, n).map((r) => hashRange(r, getNode))

// ---- The worked example of c2sp.org/merkle-tree ----

describe('c2sp.org/merkle-tree worked example (7 entries)', () => {
  type Seven = [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array]
  const leaves = Array.from({ length: 7 }, (_, n) => leafHash(utf8(`d[${n}]`))) as Seven
  const [a, b, c, d, e, f, g] = leaves
  const h = nodeHash(a, b)
  const i = nodeHash(c, d)
  const j = nodeHash(e, f)
  const k = nodeHash(h, i)
  const l = nodeHash(j, g)
  const root = nodeHash(k, l)
  const labels = new Map([a, b, c, d, e, f, g, h, i, j, k, l].map((hash, n) => [toHex(hash), 'abcdefghijkl'[n]]))
  const nodes = new Map(
    Object.entries({ a, b, c, d, e, f, g, h, i, j, k }).map(([label, hash]) => {
      const n = 'abcdefghijk'.indexOf(label)
      const position = n < 7 ? `0/${n}` : n < 10 ? `1/${n - 7}` : '2/0'
      return [position, hash]
    }),
  )
  const exampleNode = (level: number, index: number) => nodes.get(`${level}/${index}`) ?? expect.unreachable()
  const name = (proof: Uint8Array[]) => proof.map((hash) => labels.get(toHex(hash)) ?? '?').join('')

  it('computes the root with every method', () => {
    expect(merkleRoot(leaves)).toEqual(root)
    expect(hashRange({ start: 0, end: 7 }, exampleNode)).toEqual(root)
    const builder = new TreeBuilder()
    leaves.forEach((leaf) => builder.push(leaf))
    expect(builder.root()).toEqual(root)
  })

  it.each([
    [0, 'bil', a],
    [3, 'chl', d],
    [4, 'fgk', e],
    [6, 'jk', g],
  ] as const)('inclusion proof for index %i is [%s] and verifies', (index, expected, leaf) => {
    const proof = inclusionProofRanges(index, 7).map((r) => hashRange(r, exampleNode))
    expect(name(proof)).toBe(expected)
    expect(verifyInclusion({ leafIndex: index, treeSize: 7, leafHash: leaf, proof, rootHash: root })).toBe(true)
  })

  it('plans the inclusion proof of index 0 as the ranges of b, i and l', () => {
    expect(inclusionProofRanges(0, 7)).toEqual([
      { start: 1, end: 2 },
      { start: 2, end: 4 },
      { start: 4, end: 7 },
    ])
  })

  it.each([
    [3, 'cdhl', nodeHash(h, c)],
    [4, 'l', k],
    [6, 'jgk', nodeHash(k, j)],
  ] as const)('consistency proof from size %i to 7 is [%s] and verifies', (oldSize, expected, oldRoot) => {
    const proof = consistencyProofRanges(oldSize, 7).map((r) => hashRange(r, exampleNode))
    expect(name(proof)).toBe(expected)
    expect(verifyConsistency({ oldSize, newSize: 7, oldRoot, newRoot: root, proof })).toBe(true)
  })
})

// ---- Comparison with the reference ----

describe('against the recursive reference', () => {
  it('computes the same roots for every size 0..300 (merkleRoot, frontier, TreeBuilder, hashRange)', () => {
    let frontier: Frontier = []
    const builder = new TreeBuilder()
    for (let n = 0; n <= MAX_SIZE; n++) {
      const expected = mth(0, n)
      expect(rootFromFrontier(frontier)).toEqual(expected)
      expect(builder.root()).toEqual(expected)
      expect(builder.size).toBe(n)
      if (n % 37 === 0 || n < 20) expect(merkleRoot(LEAVES.slice(0, n))).toEqual(expected)
      if (n > 0) expect(hashRange({ start: 0, end: n }, getNode)).toEqual(expected)
      if (n === MAX_SIZE) break
      frontier = appendLeaf(frontier, n, LEAVES[n]!).frontier
      builder.push(LEAVES[n]!)
    }
  })

  it('plans and verifies the inclusion proof of every leaf of every size 1..300', () => {
    for (let n = 1; n <= MAX_SIZE; n++) {
      const root = mth(0, n)
      for (let m = 0; m < n; m++) {
        const proof = planInclusion(m, n)
        if (hexes(proof) !== hexes(path(m, 0, n))) expect(hexes(proof)).toBe(hexes(path(m, 0, n)))
        if (!verifyInclusion({ leafIndex: m, treeSize: n, leafHash: LEAVES[m]!, proof, rootHash: root })) {
          expect.unreachable(`inclusion ${m} in ${n} rejected`)
        }
      }
    }
  }, 30_000)

  it('plans and verifies the consistency proof of every size pair 0 <= m <= n <= 300', () => {
    for (let n = 1; n <= MAX_SIZE; n++) {
      const newRoot = mth(0, n)
      for (let m = 0; m <= n; m++) {
        const proof = planConsistency(m, n)
        const expected = hexes(referenceProof(m, n))
        if (hexes(proof) !== expected) expect(hexes(proof)).toBe(expected)
        if (!verifyConsistency({ oldSize: m, newSize: n, oldRoot: mth(0, m), newRoot, proof })) {
          expect.unreachable(`consistency ${m} -> ${n} rejected`)
        }
      }
    }
  }, 30_000)

  it('decomposes any range into aligned perfect subtrees covering it exactly', () => {
    fc.assert(
      fc.property(fc.nat(MAX_SIZE), fc.nat(MAX_SIZE), (x, y) => {
        const range: Range = { start: Math.min(x, y), end: Math.max(x, y) }
        let next = range.start
        for (const { level, index } of perfectSubtrees(range)) {
          expect(index * 2 ** level).toBe(next)
          next += 2 ** level
        }
        expect(next).toBe(range.end)
        expect(hashRange(range, getNode)).toEqual(mth(range.start, range.end))
      }),
    )
  })

  it('reports every perfect subtree completed by appends exactly once, with its hash', () => {
    for (const n of [1, 2, 3, 7, 8, 64, 100, 255, MAX_SIZE]) {
      let frontier: Frontier = []
      const seen = new Map<string, string>()
      for (let i = 0; i < n; i++) {
        const result = appendLeaf(frontier, i, LEAVES[i]!)
        expect(result.completed[0]).toEqual({ level: 0, index: i, hash: LEAVES[i] })
        for (const node of result.completed) {
          const key = `${node.level}/${node.index}`
          expect(seen.has(key), `${key} completed twice`).toBe(false)
          seen.set(key, toHex(node.hash))
        }
        frontier = result.frontier
      }
      const expected = new Map<string, string>()
      for (let level = 0; 2 ** level <= n; level++) {
        for (let index = 0; (index + 1) * 2 ** level <= n; index++) {
          expected.set(`${level}/${index}`, toHex(mth(index * 2 ** level, (index + 1) * 2 ** level)))
        }
      }
      expect(seen).toEqual(expected)
    }
  })

  it('rejects a frontier that does not match the size', () => {
    expect(() => appendLeaf([], 1, LEAVES[0]!)).toThrow(/frontier/)
    expect(() => new TreeBuilder({ frontier: [LEAVES[0]!], size: 3 })).toThrow(/frontier/)
    expect(new TreeBuilder({ frontier: [mth(0, 2)], size: 2 }).root()).toEqual(mth(0, 2))
  })

  it('refuses to plan impossible proofs', () => {
    expect(() => inclusionProofRanges(5, 5)).toThrow()
    expect(() => inclusionProofRanges(-1, 5)).toThrow()
    expect(() => consistencyProofRanges(6, 5)).toThrow()
    expect(consistencyProofRanges(0, 5)).toEqual([])
    expect(consistencyProofRanges(5, 5)).toEqual([])
  })
})

// ---- Edge cases and tampering ----

const flipByte = (hash: Uint8Array, at: number) => {
  const copy = hash.slice()
  copy[at % 32] = copy[at % 32]! ^ (1 + (at % 255))
  return copy
}
const extraHash = leafHash(utf8('not in the tree'))

const inclusionCase = fc
  .integer({ min: 1, max: MAX_SIZE })
  .chain((n) => fc.record({ n: fc.constant(n), m: fc.nat(n - 1), at: fc.nat(10_000) }))
const consistencyCase = fc
  .integer({ min: 2, max: MAX_SIZE })
  .chain((n) => fc.record({ n: fc.constant(n), m: fc.integer({ min: 1, max: n - 1 }), at: fc.nat(10_000) }))

describe('inclusion verification rejects tampering', () => {
  const check = (m: number, n: number, proof: Uint8Array[], leaf = LEAVES[m]!, root = mth(0, n)) =>
    verifyInclusion({ leafIndex: m, treeSize: n, leafHash: leaf, proof, rootHash: root })

  it('rejects a flipped byte in a proof hash, the leaf or the root', () => {
    fc.assert(
      fc.property(inclusionCase, ({ n, m, at }) => {
        const proof = planInclusion(m, n)
        expect(check(m, n, proof)).toBe(true)
        expect(check(m, n, proof, flipByte(LEAVES[m]!, at))).toBe(false)
        expect(check(m, n, proof, LEAVES[m], flipByte(mth(0, n), at))).toBe(false)
        if (proof.length > 0) {
          const i = at % proof.length
          expect(check(m, n, proof.with(i, flipByte(proof[i]!, at)))).toBe(false)
        }
      }),
    )
  })

  it('rejects a proof with one hash too many or too few', () => {
    fc.assert(
      fc.property(inclusionCase, ({ n, m, at }) => {
        const proof = planInclusion(m, n)
        const i = at % (proof.length + 1)
        expect(check(m, n, proof.toSpliced(i, 0, extraHash))).toBe(false)
        expect(check(m, n, [...proof, proof[0] ?? extraHash])).toBe(false)
        if (proof.length > 0) expect(check(m, n, proof.toSpliced(at % proof.length, 1))).toBe(false)
      }),
    )
  })

  it('rejects a proof for index i presented at index j != i', () => {
    fc.assert(
      fc.property(inclusionCase, fc.nat(MAX_SIZE), ({ n, m }, j) => {
        fc.pre(n > 1 && j % n !== m)
        expect(check(j % n, n, planInclusion(m, n), LEAVES[m])).toBe(false)
      }),
    )
  })

  it('rejects impossible positions and malformed hashes', () => {
    const proof = planInclusion(2, 5)
    expect(check(2, 5, proof)).toBe(true)
    expect(verifyInclusion({ leafIndex: 5, treeSize: 5, leafHash: LEAVES[5]!, proof, rootHash: mth(0, 5) })).toBe(false)
    expect(verifyInclusion({ leafIndex: 0, treeSize: 0, leafHash: LEAVES[0]!, proof: [], rootHash: EMPTY_ROOT })).toBe(
      false,
    )
    expect(check(2, 5, [...proof.slice(0, -1), proof[proof.length - 1]!.slice(1)])).toBe(false)
    expect(verifyInclusion({ leafIndex: 0, treeSize: 1, leafHash: LEAVES[0]!, proof: [], rootHash: LEAVES[0]! })).toBe(
      true,
    )
  })
})

describe('consistency verification rejects tampering', () => {
  const check = (m: number, n: number, proof: Uint8Array[], oldRoot = mth(0, m), newRoot = mth(0, n)) =>
    verifyConsistency({ oldSize: m, newSize: n, oldRoot, newRoot, proof })

  it('rejects a flipped byte in a proof hash or either root', () => {
    fc.assert(
      fc.property(consistencyCase, ({ n, m, at }) => {
        const proof = planConsistency(m, n)
        expect(check(m, n, proof)).toBe(true)
        const i = at % proof.length
        expect(check(m, n, proof.with(i, flipByte(proof[i]!, at)))).toBe(false)
        expect(check(m, n, proof, flipByte(mth(0, m), at))).toBe(false)
        expect(check(m, n, proof, mth(0, m), flipByte(mth(0, n), at))).toBe(false)
      }),
    )
  })

  it('rejects a proof with one hash too many or too few', () => {
    fc.assert(
      fc.property(consistencyCase, ({ n, m, at }) => {
        const proof = planConsistency(m, n)
        expect(check(m, n, proof.toSpliced(at % (proof.length + 1), 0, extraHash))).toBe(false)
        expect(check(m, n, [...proof, proof[0]!])).toBe(false)
        expect(check(m, n, proof.toSpliced(at % proof.length, 1))).toBe(false)
      }),
    )
  })

  it('rejects a proof between other sizes', () => {
    fc.assert(
      fc.property(consistencyCase, fc.integer({ min: 1, max: MAX_SIZE }), ({ n, m }, other) => {
        fc.pre(other !== m && other < n)
        expect(check(other, n, planConsistency(m, n), mth(0, other))).toBe(false)
      }),
    )
  })

  it('follows the edge rules: m > n, m = 0, m = n', () => {
    expect(check(5, 4, [])).toBe(false)
    expect(check(0, 5, [])).toBe(true)
    expect(check(0, 5, [extraHash])).toBe(false)
    expect(check(5, 5, [])).toBe(true)
    expect(check(5, 5, [], mth(0, 5), mth(0, 6))).toBe(false)
    expect(check(5, 5, [extraHash])).toBe(false)
    expect(check(4, 8, [])).toBe(false)
    expect(check(0, 0, [])).toBe(true)
  })
})

// ---- Scale ----

describe('TreeBuilder at scale', () => {
  it('hashes 100k ~300-byte entries in bounded memory and matches a level-by-level build', () => {
    const filler = 'x'.repeat(260)
    const leaves = Array.from({ length: 100_000 }, (_, i) => leafHash(utf8(`{"seq":${i},"pad":"${filler}"}`)))
    const builder = new TreeBuilder()
    for (const leaf of leaves) builder.push(leaf)
    expect(builder.frontier.length).toBeLessThanOrEqual(17)
    // RFC 6962 as commonly implemented bottom-up: hash pairs, carry an odd last node upwards.
    let level = leaves
    while (level.length > 1) {
      const next: Uint8Array[] = []
      for (let i = 0; i < level.length; i += 2)
        next.push(i + 1 < level.length ? nodeHash(level[i]!, level[i + 1]!) : level[i]!)
      level = next
    }
    expect(builder.root()).toEqual(level[0])
  }, 60_000)
})
