// The cheap check, run at every tick: does audit_log hold exactly the entries 0..treeSize-1 of
// the stored tree (no row deleted anywhere, none added past the head), and no checkpoint is
// larger than the tree? One statement, so the counts and the head come from one snapshot.
import { sql } from 'drizzle-orm'
import type { Executor } from '../../../db/client'
import type { Finding } from './finding'

type Rows<T> = { rows: T[] }
type Counts = { tree_size: string | number; below: number; extra: string | number | null; top: string | number | null }

/** The lowest seq below `treeSize` with no row (the caller knows one is missing). */
async function firstMissing(ex: Executor, treeSize: number): Promise<number> {
  const result = (await ex.execute(sql`
    select case when not exists (select 1 from audit_log where seq = 0) then 0 else (
      select a.seq + 1 from audit_log a
      where a.seq < ${treeSize - 1} and not exists (select 1 from audit_log b where b.seq = a.seq + 1)
      order by a.seq limit 1) end as seq`)) as unknown as Rows<{ seq: string | number | null }>
  return Number(result.rows[0]?.seq ?? 0)
}

/** Null when the rows are contiguous with the head; otherwise the first thing wrong. */
export async function checkContiguity(ex: Executor): Promise<{ treeSize: number; finding: Finding | null }> {
  const result = (await ex.execute(sql`
    select h.tree_size,
      (select count(*)::float8 from audit_log where seq < h.tree_size) as below,
      (select min(seq) from audit_log where seq >= h.tree_size) as extra,
      (select max(tree_size) from audit_checkpoints) as top
    from audit_head h where h.id = 1`)) as unknown as Rows<Counts>
  const row = result.rows[0]
  if (!row) throw new Error('audit_head row is missing: migrations incomplete')
  const treeSize = Number(row.tree_size)
  const below = Number(row.below)
  if (below < treeSize) {
    const seq = await firstMissing(ex, treeSize)
    const message = `Entry ${seq} is missing: audit_log holds ${below} of the ${treeSize} entries of the tree (${treeSize - below} missing).`
    return { treeSize, finding: { kind: 'missing', seq, message } }
  }
  if (row.extra !== null) {
    const seq = Number(row.extra)
    const message = `Entry ${seq} is stored in audit_log beyond the tree's ${treeSize} entries.`
    return { treeSize, finding: { kind: 'extra', seq, message } }
  }
  if (row.top !== null && Number(row.top) > treeSize) {
    const message = `A checkpoint of tree size ${Number(row.top)} is larger than the tree (${treeSize} entries).`
    return { treeSize, finding: { kind: 'checkpoint', seq: null, message } }
  }
  return { treeSize, finding: null }
}
