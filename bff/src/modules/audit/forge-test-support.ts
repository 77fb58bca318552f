// What an intruder with write access to the database (and none to the signing keys) does to hide
// a change: rewrite one entry and then everything that hashes it, so that every leaf hash, the
// prevHash chain, every tree node and the head agree again. Only the signed checkpoints, and
// the checkpoints a browser remembers, still say what the log was. Shared by the server's test
// and the browser's (e2e), each passing its own SQL client.
import { appendLeaf, canonicalEntryText, leafHash, toHex } from '@tg/contracts/formats/audit'
import type { AuditEntryBody, Frontier, TreeNode } from '@tg/contracts/formats/audit'

export type Query = (text: string, params?: unknown[]) => Promise<{ rows: Array<Record<string, unknown>> }>

const TABLES = ['audit_log', 'audit_nodes', 'audit_head']
const encoder = new TextEncoder()

/** Rewrites entry `seq` with `edit` and rehashes the log consistently from there on. */
export async function rewriteConsistently(query: Query, seq: number, edit: (body: AuditEntryBody) => void) {
  for (const table of TABLES) await query(`alter table ${table} disable trigger user`)
  try {
    const { rows } = await query('select seq, canonical from audit_log order by seq')
    let frontier: Frontier = []
    let prev: string | null = null
    const nodes: TreeNode[] = []
    for (const [i, row] of rows.entries()) {
      if (Number(row.seq) !== i) throw new Error(`the log has a hole at ${i}: rewrite a whole log`)
      const body = JSON.parse(row.canonical as string) as AuditEntryBody
      if (i === seq) edit(body)
      body.prevHash = prev
      const canonical = canonicalEntryText(body)
      const leaf = leafHash(encoder.encode(canonical))
      const appended = appendLeaf(frontier, i, leaf)
      frontier = appended.frontier
      nodes.push(...appended.completed)
      prev = toHex(leaf)
      if (i >= seq)
        await query(
          `update audit_log set canonical = $1, leaf_hash = decode($2, 'hex'), actor_name = $3, action = $4,
             resource_id = $5, outcome = $6 where seq = $7`,
          [canonical, prev, body.actor.name, body.action, body.resource.id, body.outcome, i],
        )
    }
    for (const node of nodes)
      await query(`update audit_nodes set hash = decode($1, 'hex') where level = $2 and idx = $3`, [
        toHex(node.hash),
        node.level,
        node.index,
      ])
    await query('update audit_head set frontier = $1, last_leaf_hash = $2 where id = 1', [
      frontier.map(toHex).join(','),
      prev,
    ])
    return { treeSize: rows.length }
  } finally {
    for (const table of TABLES) await query(`alter table ${table} enable trigger user`)
  }
}
