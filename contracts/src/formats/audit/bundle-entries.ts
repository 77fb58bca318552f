// The entries of a bundle: each one's text, seq, place in the range, inclusion in the last
// checkpoint, prevHash link and filter; then the coverage of the whole tree by the entries and
// the left-out subtrees, whose recomputed root must be the checkpoint's.
import type { AuditBundle } from './bundle-schema'
import { fail } from './bundle-failure'
import type { Failed, Where } from './bundle-failure'
import type { Checkpoint } from './checkpoint'
import { parseEntryText } from './entry'
import { describeFilter, matchesFilter } from './filter'
import { bytesEqual, fromHex, leafHash, toHex } from './hash'
import { TreeBuilder, inclusionProofRanges, verifyInclusion } from './merkle'

/** An included entry as the coverage walk needs it. */
export type EntryLeaf = { seq: number; leaf: Uint8Array; prevHash: string | null }

const encoder = new TextEncoder()
export const spanOf = (from: number, to: number) => `${from}..${to - 1}`

export function verifyEntries(bundle: AuditBundle, head: Checkpoint): EntryLeaf[] | Failed {
  const { fromSeq, toSeq } = bundle.range
  const leaves: EntryLeaf[] = []
  for (const record of bundle.entries) {
    const where: Where = { subject: 'entry', seq: record.seq, label: `entry ${record.seq}` }
    const previous = leaves[leaves.length - 1]
    if (previous && record.seq <= previous.seq)
      return fail(where, 'order', `comes after entry ${previous.seq}; entries must ascend by seq`)
    const parsed = parseEntryText(record.canonical)
    if (!parsed.ok) return fail(where, 'canonical', parsed.reason)
    const { body } = parsed
    if (body.seq !== record.seq) return fail(where, 'seq', `the entry text says seq ${body.seq}`)
    if (record.seq < fromSeq || record.seq >= toSeq)
      return fail(where, 'range', `is outside the bundle's range, entries ${spanOf(fromSeq, toSeq)}`)
    const leaf = leafHash(encoder.encode(record.canonical))
    const expected = inclusionProofRanges(record.seq, head.treeSize).length
    if (record.proof.length !== expected) {
      return fail(where, 'inclusion', `inclusion proof has ${record.proof.length} hashes, ${expected} expected`)
    }
    const proof = record.proof.map(fromHex)
    const treeSize = head.treeSize
    if (!verifyInclusion({ leafIndex: record.seq, treeSize, leafHash: leaf, proof, rootHash: head.rootHash })) {
      return fail(where, 'inclusion', 'inclusion proof does not lead to the checkpoint root')
    }
    if ((body.seq === 0) !== (body.prevHash === null)) {
      return fail(where, 'chain', body.seq === 0 ? 'the first entry has a prevHash' : 'prevHash is missing')
    }
    if (previous && previous.seq === record.seq - 1 && body.prevHash !== toHex(previous.leaf)) {
      return fail(where, 'chain', `prevHash does not equal the leaf hash of entry ${previous.seq}`)
    }
    if (bundle.filter && !matchesFilter(body, bundle.filter))
      return fail(where, 'filter', `does not match the bundle's filter (${describeFilter(bundle.filter)})`)
    leaves.push({ seq: record.seq, leaf, prevHash: body.prevHash })
  }
  return leaves
}

const missing = (seq: number, bundle: AuditBundle): Failed => {
  const { fromSeq, toSeq, treeSize } = bundle.range
  const scope = `the bundle covers entries ${spanOf(fromSeq, toSeq)} of tree size ${treeSize}`
  const what = bundle.filter
    ? `is missing: ${scope} and accounts for none of them by leaf hash`
    : `is missing: ${scope} without a filter, so it must hold every one of them`
  return fail({ subject: 'entry', seq, label: `entry ${seq}` }, 'missing', what)
}

type Walk = { next: number; leftOut: number; last: { seq: number; hex: string } | null; builder: TreeBuilder }

/** Checks one left-out subtree starting at `walk.next`; returns a failure or null. */
function takeSubtree(bundle: AuditBundle, walk: Walk, level: number, hash: string): Failed | null {
  const { fromSeq, toSeq, treeSize } = bundle.range
  const start = walk.next
  const end = start + 2 ** level
  const where: Where = { subject: 'bundle', label: `left-out subtree of entries ${spanOf(start, end)}` }
  if (end > treeSize) return fail(where, 'coverage', `goes past the tree size ${treeSize}`)
  if ((start < fromSeq && fromSeq < end) || (start < toSeq && toSeq < end))
    return fail(where, 'coverage', `crosses a bound of the range ${spanOf(fromSeq, toSeq)}`)
  if (start >= fromSeq && end <= toSeq) {
    if (!bundle.filter) return missing(start, bundle)
    walk.leftOut += end - start
  }
  walk.builder.pushSubtree(level, fromHex(hash))
  walk.last = level === 0 ? { seq: start, hex: hash } : null
  walk.next = end
  return null
}

function takeEntry(walk: Walk, entry: EntryLeaf): Failed | null {
  const { seq } = entry
  if (seq > 0 && walk.last?.seq !== seq - 1) {
    const where: Where = { subject: 'entry', seq, label: `entry ${seq}` }
    return fail(
      where,
      'chain',
      `the leaf hash of entry ${seq - 1} is not in the bundle, so this link cannot be checked`,
    )
  }
  if (seq > 0 && walk.last?.hex !== entry.prevHash) {
    const where: Where = { subject: 'entry', seq, label: `entry ${seq}` }
    return fail(where, 'chain', `prevHash does not equal the leaf hash of entry ${seq - 1}`)
  }
  walk.builder.push(entry.leaf)
  walk.last = { seq, hex: toHex(entry.leaf) }
  walk.next = seq + 1
  return null
}

/**
 * Walks the tree from leaf 0: every seq must be an included entry or inside a left-out subtree
 * (none inside the range without a filter), and the root of it all must be the checkpoint's.
 * Returns how many entries of the range the filter left out.
 */
export function verifyCoverage(bundle: AuditBundle, entries: EntryLeaf[], head: Checkpoint): number | Failed {
  const walk: Walk = { next: 0, leftOut: 0, last: null, builder: new TreeBuilder() }
  let i = 0
  let j = 0
  while (walk.next < head.treeSize) {
    const entry = entries[i]
    const subtree = bundle.omitted[j]
    let failed: Failed | null
    if (entry?.seq === walk.next) {
      failed = takeEntry(walk, entry)
      i++
    } else if (subtree && subtree.index * 2 ** subtree.level === walk.next) {
      failed = takeSubtree(bundle, walk, subtree.level, subtree.hash)
      j++
    } else if (walk.next >= bundle.range.fromSeq && walk.next < bundle.range.toSeq) {
      failed = missing(walk.next, bundle)
    } else {
      const where: Where = { subject: 'bundle', label: `entry ${walk.next}` }
      failed = fail(where, 'coverage', 'outside the range, but no left-out subtree accounts for it')
    }
    if (failed) return failed
  }
  const stray = entries[i]
  if (stray) {
    const where: Where = { subject: 'entry', seq: stray.seq, label: `entry ${stray.seq}` }
    return fail(where, 'coverage', 'lies inside a left-out subtree as well')
  }
  if (j < bundle.omitted.length) {
    const where: Where = { subject: 'bundle', label: `left-out subtree ${j + 1} of ${bundle.omitted.length}` }
    return fail(where, 'coverage', 'is out of order, overlaps another or lies past the tree size')
  }
  if (!bytesEqual(walk.builder.root(), head.rootHash)) {
    const where: Where = { subject: 'bundle', treeSize: head.treeSize, label: 'left-out subtrees' }
    const what = `with the entries they do not lead to the root of the checkpoint of tree size ${head.treeSize}`
    return fail(where, 'root', what)
  }
  return walk.leftOut
}
