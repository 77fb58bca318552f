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

const keyOf = (level: number, index: number) => `${level}:${index}`

/** Fetches, in one query, every stored subtree node needed to hash `ranges`. */
async function loadNodes(ex: Executor, ranges: readonly Range[]): Promise<Map<string, Uint8Array>> {
  const wanted = new Map<string, { level: number; index: number }>()
  for (const range of ranges) for (const node of perfectSubtrees(range)) wanted.set(keyOf(node.level, node.index), node)
  const nodes = new Map<string, Uint8Array>()
  const all = [...wanted.values()]
  for (let i = 0; i < all.length; i += 2000) {
    const chunk = all.slice(i, i + 2000)
    const rows = await ex
      .select()
      .from(auditNodes)
      .where(
        sql`(${auditNodes.level}, ${auditNodes.idx}) in (${sql.join(
          chunk.map((n) => sql`(${n.level}, ${n.index})`),
          sql`, `,
        )})`,
      )
    for (const row of rows) nodes.set(keyOf(row.level, row.idx), new Uint8Array(row.hash))
  }
  return nodes
}

export class MissingTreeNodeError extends Error {
  override name = 'MissingTreeNodeError'
}

function hashesOf(rangeLists: Range[][], nodes: Map<string, Uint8Array>): string[][] {
  const getNode = (level: number, index: number) => {
    const hash = nodes.get(keyOf(level, index))
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

export async function consistencyProof(ex: Executor, fromSize: number, toSize: number): Promise<string[]> {
  const ranges = consistencyProofRanges(fromSize, toSize)
  return hashesOf([ranges], await loadNodes(ex, ranges))[0] ?? []
}
