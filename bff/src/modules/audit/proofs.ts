import { sql } from 'drizzle-orm'
import {
  consistencyProofRanges,
  hashRange,
  inclusionProofRanges,
  perfectSubtrees,
  toHex,
} from '@tg/contracts/formats/audit'
import type { Range } from '@tg/contracts/formats/audit'
import type { Executor } from '../../db/client'
import { auditNodes } from '../../db/schema'

export const nodeKeyOf = (level: number, index: number) => `${level}:${index}`

type NodeRef = { level: number; index: number }

/** Fetches the stored subtree nodes needed to hash `ranges`. */
async function loadNodes(ex: Executor, ranges: readonly Range[]): Promise<Map<string, Uint8Array>> {
  return loadNodeRefs(
    ex,
    ranges.flatMap((range) => perfectSubtrees(range)),
  )
}

/**
 * Fetches stored nodes in one query. The wanted nodes go in as one JSON parameter: a statement
 * with hundreds of bind parameters is where embedded PGlite was seen to return no rows (or stop).
 */
export async function loadNodeRefs(ex: Executor, refs: readonly NodeRef[]): Promise<Map<string, Uint8Array>> {
  const wanted = new Map<string, { level: number; idx: number }>()
  for (const node of refs) wanted.set(nodeKeyOf(node.level, node.index), { level: node.level, idx: node.index })
  const nodes = new Map<string, Uint8Array>()
  if (wanted.size === 0) return nodes
  const result = await ex.execute(sql`
    select n.level, n.idx, n.hash from ${auditNodes} n
    join jsonb_to_recordset(${JSON.stringify([...wanted.values()])}::jsonb) as w(level smallint, idx bigint)
      on n.level = w.level and n.idx = w.idx`)
  for (const row of (result as unknown as { rows: Array<{ level: number; idx: number | string; hash: Uint8Array }> })
    .rows)
    nodes.set(nodeKeyOf(Number(row.level), Number(row.idx)), new Uint8Array(row.hash))
  return nodes
}

export class MissingTreeNodeError extends Error {
  override name = 'MissingTreeNodeError'
}

function hashesOf(rangeLists: Range[][], nodes: Map<string, Uint8Array>): string[][] {
  const getNode = (level: number, index: number) => {
    const hash = nodes.get(nodeKeyOf(level, index))
    if (!hash) throw new MissingTreeNodeError(`The audit tree has no node at level ${level}, index ${index}.`)
    return hash
  }
  return rangeLists.map((ranges) => ranges.map((range) => toHex(hashRange(range, getNode))))
}

/** Inclusion proofs (hex) of each `seq` in the tree of size `treeSize`, built from stored nodes. */
export async function inclusionProofs(ex: Executor, seqs: readonly number[], treeSize: number): Promise<string[][]> {
  const rangeLists = seqs.map((seq) => inclusionProofRanges(seq, treeSize))
  return hashesOf(rangeLists, await loadNodes(ex, rangeLists.flat()))
}

/** The stored hash (hex) of each aligned perfect subtree, in the order given. */
export async function subtreeHashes(ex: Executor, refs: readonly NodeRef[]) {
  const nodes = await loadNodeRefs(ex, refs)
  return refs.map(({ level, index }) => {
    const hash = nodes.get(nodeKeyOf(level, index))
    if (!hash) throw new MissingTreeNodeError(`The audit tree has no node at level ${level}, index ${index}.`)
    return { level, index, hash: toHex(hash) }
  })
}

export async function consistencyProof(ex: Executor, fromSize: number, toSize: number): Promise<string[]> {
  const ranges = consistencyProofRanges(fromSize, toSize)
  return hashesOf([ranges], await loadNodes(ex, ranges))[0] ?? []
}
