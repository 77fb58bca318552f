// Proof planning for a server that stores the hashes of complete (perfect) subtrees: which leaf
// ranges make up an inclusion or consistency proof (RFC 6962 §2.1.1 PATH, §2.1.2 SUBPROOF), and
// how to hash such a range from stored nodes.
import { EMPTY_ROOT, nodeHash } from './hash'
import { isPowerOfTwo, isSize, largestPowerOfTwoBelow, log2Exact } from './tree-math'

/** A half-open range of leaf indexes [start, end). */
export type Range = { start: number; end: number }

function assertRange(range: Range): void {
  if (!isSize(range.start) || !isSize(range.end) || range.start > range.end) {
    throw new Error(`invalid leaf range [${range.start}, ${range.end})`)
  }
}

/** PATH(m, D[start:end]): appends the ranges whose MTH form the proof, deepest first. */
function pathRanges(m: number, start: number, end: number, out: Range[]): void {
  if (end - start <= 1) return
  const k = largestPowerOfTwoBelow(end - start)
  if (m < k) {
    pathRanges(m, start, start + k, out)
    out.push({ start: start + k, end })
  } else {
    pathRanges(m - k, start + k, end, out)
    out.push({ start, end: start + k })
  }
}

/** The leaf ranges whose MTH form the inclusion proof of `leafIndex` in a tree of `treeSize`. */
export function inclusionProofRanges(leafIndex: number, treeSize: number): Range[] {
  if (!isSize(leafIndex) || !isSize(treeSize) || leafIndex >= treeSize) {
    throw new Error(`leaf index ${leafIndex} is not in a tree of size ${treeSize}`)
  }
  const out: Range[] = []
  pathRanges(leafIndex, 0, treeSize, out)
  return out
}

/** SUBPROOF(m, D[start:end], b). */
function subproofRanges(m: number, start: number, end: number, b: boolean, out: Range[]): void {
  const n = end - start
  if (m === n) {
    if (!b) out.push({ start, end })
    return
  }
  const k = largestPowerOfTwoBelow(n)
  if (m <= k) {
    subproofRanges(m, start, start + k, b, out)
    out.push({ start: start + k, end })
  } else {
    subproofRanges(m - k, start + k, end, false, out)
    out.push({ start, end: start + k })
  }
}

/** The leaf ranges whose MTH form the consistency proof from `oldSize` to `newSize`. */
export function consistencyProofRanges(oldSize: number, newSize: number): Range[] {
  if (!isSize(oldSize) || !isSize(newSize) || oldSize > newSize) {
    throw new Error(`no consistency proof from size ${oldSize} to size ${newSize}`)
  }
  const out: Range[] = []
  if (oldSize === 0 || oldSize === newSize) return out
  subproofRanges(oldSize, 0, newSize, true, out)
  return out
}

/**
 * Decomposes a range into aligned perfect subtrees, left to right; node (level, index) covers
 * leaves [index * 2^level, (index + 1) * 2^level).
 */
export function perfectSubtrees(range: Range): Array<{ level: number; index: number }> {
  assertRange(range)
  const out: Array<{ level: number; index: number }> = []
  let start = range.start
  while (start < range.end) {
    let size = 1
    let level = 0
    while (start % (size * 2) === 0 && start + size * 2 <= range.end) {
      size *= 2
      level++
    }
    out.push({ level, index: start / size })
    start += size
  }
  return out
}

/**
 * MTH of the leaves in `range` (RFC 6962: split at the largest power of two smaller than the
 * size), reading aligned perfect subtrees through `getNode(level, index)`.
 */
export function hashRange(range: Range, getNode: (level: number, index: number) => Uint8Array): Uint8Array {
  assertRange(range)
  const n = range.end - range.start
  if (n === 0) return EMPTY_ROOT
  if (isPowerOfTwo(n) && range.start % n === 0) return getNode(log2Exact(n), range.start / n)
  const split = range.start + largestPowerOfTwoBelow(n)
  return nodeHash(
    hashRange({ start: range.start, end: split }, getNode),
    hashRange({ start: split, end: range.end }, getNode),
  )
}
