// RFC 6962 / RFC 9162 Merkle tree (c2sp.org/merkle-tree): roots, incremental appends and the
// verification of inclusion and consistency proofs. Proof planning lives in merkle-ranges.ts.
import { bytesEqual, EMPTY_ROOT, nodeHash } from './hash'
import { half, isOdd, isPowerOfTwo, isSize, popCount } from './tree-math'

export { consistencyProofRanges, hashRange, inclusionProofRanges, perfectSubtrees } from './merkle-ranges'
export type { Range } from './merkle-ranges'

const HASH_LENGTH = 32

/** Roots of the perfect subtrees that make up a tree of the current size, largest first. */
export type Frontier = Uint8Array[]

/** A perfect subtree node: it covers leaves [index * 2^level, (index + 1) * 2^level). */
export type TreeNode = { level: number; index: number; hash: Uint8Array }

/**
 * Appends in place a perfect subtree of 2^startLevel leaves (a leaf when startLevel is 0) to a
 * tree whose size is a multiple of 2^startLevel; calls `onCompleted` for every node completed.
 */
function appendInPlace(
  frontier: Uint8Array[],
  size: number,
  leaf: Uint8Array,
  onCompleted?: (node: TreeNode) => void,
  startLevel = 0,
) {
  let hash = leaf
  let index = size / 2 ** startLevel
  if (!Number.isSafeInteger(index)) throw new Error(`a subtree of level ${startLevel} cannot start at leaf ${size}`)
  let level = startLevel
  onCompleted?.({ level, index, hash })
  while (isOdd(index)) {
    const left = frontier.pop()
    if (left === undefined) throw new Error('frontier does not match the tree size')
    hash = nodeHash(left, hash)
    index = half(index)
    level++
    onCompleted?.({ level, index, hash })
  }
  frontier.push(hash)
}

function assertFrontier(frontier: readonly Uint8Array[], size: number): void {
  if (!isSize(size)) throw new Error(`invalid tree size ${size}`)
  if (frontier.length !== popCount(size)) {
    throw new Error(`frontier has ${frontier.length} hashes, a tree of size ${size} needs ${popCount(size)}`)
  }
}

/**
 * Appends one leaf hash to a tree of `size` leaves described by `frontier` (not modified).
 * `completed` lists every perfect subtree node this append completes, the leaf (level 0) first.
 */
export function appendLeaf(
  frontier: readonly Uint8Array[],
  size: number,
  leafHash: Uint8Array,
): { frontier: Frontier; completed: TreeNode[] } {
  assertFrontier(frontier, size)
  const next = [...frontier]
  const completed: TreeNode[] = []
  appendInPlace(next, size, leafHash, (node) => completed.push(node))
  return { frontier: next, completed }
}

/** The root hash of the tree described by a frontier (EMPTY_ROOT for the empty tree). */
export function rootFromFrontier(frontier: readonly Uint8Array[]): Uint8Array {
  let root = frontier[frontier.length - 1]
  if (root === undefined) return EMPTY_ROOT
  for (let i = frontier.length - 2; i >= 0; i--) root = nodeHash(frontier[i]!, root)
  return root
}

/** Streaming tree: push leaf hashes one by one in O(log n) memory. */
export class TreeBuilder {
  #frontier: Uint8Array[]
  #size: number

  constructor(initial?: { frontier: readonly Uint8Array[]; size: number }) {
    if (initial) assertFrontier(initial.frontier, initial.size)
    this.#frontier = initial ? [...initial.frontier] : []
    this.#size = initial?.size ?? 0
  }

  push(leafHash: Uint8Array): void {
    appendInPlace(this.#frontier, this.#size, leafHash)
    this.#size++
  }

  /** Appends the root of a perfect subtree of 2^level leaves; the size must be a multiple of 2^level. */
  pushSubtree(level: number, hash: Uint8Array): void {
    appendInPlace(this.#frontier, this.#size, hash, undefined, level)
    this.#size += 2 ** level
  }

  get size(): number {
    return this.#size
  }

  get frontier(): Frontier {
    return [...this.#frontier]
  }

  root(): Uint8Array {
    return rootFromFrontier(this.#frontier)
  }
}

/** MTH over a list of leaf hashes (EMPTY_ROOT for none). */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Uint8Array {
  const builder = new TreeBuilder()
  for (const leaf of leafHashes) builder.push(leaf)
  return builder.root()
}

function areHashes(hashes: readonly Uint8Array[]): boolean {
  return hashes.every((h) => h instanceof Uint8Array && h.length === HASH_LENGTH)
}

/** c2sp.org/merkle-tree inclusion proof verification. */
export function verifyInclusion(input: {
  leafIndex: number
  treeSize: number
  leafHash: Uint8Array
  proof: readonly Uint8Array[]
  rootHash: Uint8Array
}): boolean {
  const { leafIndex, treeSize, proof } = input
  if (!isSize(leafIndex) || !isSize(treeSize) || leafIndex >= treeSize) return false
  if (!areHashes([input.leafHash, input.rootHash, ...proof])) return false
  let fn = leafIndex
  let sn = treeSize - 1
  let hash = input.leafHash
  for (const p of proof) {
    if (sn === 0) return false
    if (isOdd(fn) || fn === sn) {
      hash = nodeHash(p, hash)
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)]
    } else {
      hash = nodeHash(hash, p)
    }
    ;[fn, sn] = [half(fn), half(sn)]
  }
  return sn === 0 && bytesEqual(hash, input.rootHash)
}

/** c2sp.org/merkle-tree consistency proof verification. */
export function verifyConsistency(input: {
  oldSize: number
  newSize: number
  oldRoot: Uint8Array
  newRoot: Uint8Array
  proof: readonly Uint8Array[]
}): boolean {
  const { oldSize, newSize, oldRoot, newRoot } = input
  if (!isSize(oldSize) || !isSize(newSize) || oldSize > newSize) return false
  if (!areHashes([oldRoot, newRoot, ...input.proof])) return false
  if (oldSize === newSize) return input.proof.length === 0 && bytesEqual(oldRoot, newRoot)
  if (oldSize === 0) return input.proof.length === 0
  if (input.proof.length === 0) return false
  const proof = isPowerOfTwo(oldSize) ? [oldRoot, ...input.proof] : input.proof
  let fn = oldSize - 1
  let sn = newSize - 1
  while (isOdd(fn)) [fn, sn] = [half(fn), half(sn)]
  let fr = proof[0]!
  let sr = fr
  for (const p of proof.slice(1)) {
    if (sn === 0) return false
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(p, fr)
      sr = nodeHash(p, sr)
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)]
    } else {
      sr = nodeHash(sr, p)
    }
    ;[fn, sn] = [half(fn), half(sn)]
  }
  return sn === 0 && bytesEqual(fr, oldRoot) && bytesEqual(sr, newRoot)
}
