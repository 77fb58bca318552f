// Which subtrees of the log a bundle gives in place of the entries it leaves out (outside its
// range, or filtered out): few hashes for long runs, yet the tree's root can be recomputed.
import { perfectSubtrees } from './merkle-ranges'

export type BundleRange = { fromSeq: number; toSeq: number; treeSize: number }
export type SubtreeRef = { level: number; index: number }

/**
 * The aligned perfect subtrees, in leaf order, that cover every leaf of [0, treeSize) not in
 * `included` (ascending seqs, all within the range). No subtree crosses fromSeq or toSeq, and the
 * leaf just before each included entry is a subtree of its own, so that the entry's prevHash can
 * be checked against it.
 */
export function omittedTiles(range: BundleRange, included: readonly number[]): SubtreeRef[] {
  const out: SubtreeRef[] = []
  const emit = (start: number, end: number) => {
    if (start < end) for (const node of perfectSubtrees({ start, end })) out.push(node)
  }
  let next = 0
  const runTo = (end: number, isBeforeEntry: boolean) => {
    for (const cut of [range.fromSeq, range.toSeq])
      if (next < cut && cut < end) {
        emit(next, cut)
        next = cut
      }
    if (isBeforeEntry && next < end) {
      emit(next, end - 1)
      out.push({ level: 0, index: end - 1 })
    } else emit(next, end)
    next = end
  }
  for (const seq of included) {
    runTo(seq, true)
    next = seq + 1
  }
  runTo(range.treeSize, false)
  return out
}
