// The full check, done incrementally: rehash the stored rows from where this process's pass stands
// (its verified-up-to watermark) and compare them with what the log stores about them: the leaf
// hash column, the prevHash chain, the copies of the fields kept in columns, the tree nodes they
// complete, the checkpoints' roots at their sizes and, at the end, the head. O(rows rehashed).
import { createHash } from 'node:crypto'
import { and, asc, gt, gte, lt, lte } from 'drizzle-orm'
import {
  appendLeaf,
  bytesEqual,
  parseCheckpointBody,
  parseSignedNote,
  rootFromFrontier,
  toHex,
} from '@tg/contracts/formats/audit'
import type { AuditEntryBody, Frontier, TreeNode } from '@tg/contracts/formats/audit'
import type { Executor } from '../../../db/client'
import { auditCheckpoints, auditLog } from '../../../db/schema'
import { loadNodeRefs, nodeKeyOf } from '../proofs'
import type { Head } from '../tree'
import type { Finding } from './finding'

/** How far this process has verified the log: the tree of the first `size` rows, rehashed. */
export type PassState = { size: number; frontier: Frontier; lastLeaf: string | null; startedAt: Date }
export const freshPass = (): PassState => ({ size: 0, frontier: [], lastLeaf: null, startedAt: new Date() })

type LogRow = typeof auditLog.$inferSelect
const LEAF_PREFIX = Buffer.from([0x00])
const altered = (seq: number, what: string): Finding => ({ kind: 'altered', seq, message: `Entry ${seq}: ${what}.` })

/** The columns kept for filtering must say what the hashed text says. */
function columnMismatch(row: LogRow, body: AuditEntryBody): string | null {
  const pairs: Array<[string, unknown, unknown]> = [
    ['at', row.at.toISOString(), body.time],
    ['actor_type', row.actorType, body.actor.type],
    ['actor_id', row.actorId, body.actor.id],
    ['actor_name', row.actorName, body.actor.name],
    ['action', row.action, body.action],
    ['resource_type', row.resourceType, body.resource.type],
    ['resource_id', row.resourceId, body.resource.id],
    ['outcome', row.outcome, body.outcome],
  ]
  const bad = pairs.find(([, column, text]) => column !== text)
  return bad ? `its column ${bad[0]} says ${JSON.stringify(bad[1])}, its hashed text ${JSON.stringify(bad[2])}` : null
}

/** RFC 6962 leaf hash with node:crypto (OpenSSL), three times noble's speed for the full pass. */
const leafHashOf = (text: string) =>
  new Uint8Array(createHash('sha256').update(LEAF_PREFIX).update(text, 'utf8').digest())

/**
 * The fields the check compares, read with JSON.parse alone: the text's bytes are bound by the
 * leaf hash the tree holds, so its full schema and canonical form need no second look here
 * (they are what makes a rehash of a million rows cost minutes instead of seconds).
 */
function readBody(text: string): AuditEntryBody | null {
  try {
    const body = JSON.parse(text) as AuditEntryBody | null
    return body && typeof body === 'object' && body.actor && body.resource ? body : null
  } catch {
    return null
  }
}

function checkRow(row: LogRow, pass: PassState): { leaf: Uint8Array } | { finding: Finding } {
  const { seq } = row
  const body = readBody(row.canonical)
  if (!body) return { finding: altered(seq, 'its stored text is not an audit entry') }
  if (body.seq !== seq) return { finding: altered(seq, `its stored text says it is entry ${body.seq}`) }
  const columns = columnMismatch(row, body)
  if (columns) return { finding: altered(seq, columns) }
  const leaf = leafHashOf(row.canonical)
  if (!bytesEqual(leaf, new Uint8Array(row.leafHash)))
    return { finding: altered(seq, 'its stored leaf hash is not the hash of its stored text') }
  if (body.prevHash !== pass.lastLeaf) {
    const message = `Entry ${seq}: its prevHash is not the leaf hash of ${seq === 0 ? 'nothing (first entry)' : `entry ${seq - 1}`}.`
    return { finding: { kind: 'chain', seq, message } }
  }
  return { leaf }
}

/** The first computed node the stored tree does not hold as computed. */
async function nodeFinding(ex: Executor, computed: TreeNode[]): Promise<Finding | null> {
  const stored = await loadNodeRefs(ex, computed)
  for (const node of computed) {
    const hash = stored.get(nodeKeyOf(node.level, node.index))
    if (hash && bytesEqual(hash, node.hash)) continue
    const first = node.index * 2 ** node.level
    if (node.level === 0)
      return altered(first, `the tree holds ${hash ? 'another' : 'no'} leaf for it than the hash of its stored text`)
    const span = `${first}..${first + 2 ** node.level - 1}`
    const message = `The tree node (level ${node.level}, index ${node.index}) over entries ${span} is ${hash ? 'not the hash of those entries' : 'missing'}.`
    return { kind: 'node', seq: first, message }
  }
  return null
}

type CheckpointRow = typeof auditCheckpoints.$inferSelect

/** The checkpoint must sign the root of the rows below its size (in its column and its note). */
function notedRoot(note: string): Uint8Array | null {
  try {
    return parseCheckpointBody(parseSignedNote(note).body).rootHash
  } catch {
    return null
  }
}

function checkpointFinding(row: CheckpointRow, root: Uint8Array): Finding | null {
  const noted = notedRoot(row.note)
  if (bytesEqual(root, new Uint8Array(row.rootHash)) && noted && bytesEqual(noted, root)) return null
  const message = `The checkpoint of tree size ${row.treeSize} does not sign the root of the stored entries 0..${row.treeSize - 1}.`
  return { kind: 'checkpoint', seq: row.treeSize - 1, message }
}

/** Rehashes rows [pass.size, end) and, when all holds, advances `pass` past them. */
export async function rehashBatch(ex: Executor, pass: PassState, end: number): Promise<Finding | null> {
  const start = pass.size
  const rows = await ex
    .select()
    .from(auditLog)
    .where(and(gte(auditLog.seq, start), lt(auditLog.seq, end)))
    .orderBy(asc(auditLog.seq))
  const checkpoints = await ex
    .select()
    .from(auditCheckpoints)
    .where(and(gt(auditCheckpoints.treeSize, start), lte(auditCheckpoints.treeSize, end)))
    .orderBy(asc(auditCheckpoints.treeSize))
  const next: PassState = { ...pass, frontier: [...pass.frontier] }
  const computed: TreeNode[] = []
  let checkpointProblem: Finding | null = null
  for (const row of rows) {
    if (row.seq !== next.size)
      return { kind: 'missing', seq: next.size, message: `Entry ${next.size} is missing from audit_log.` }
    const checked = checkRow(row, next)
    if ('finding' in checked) return checked.finding
    const appended = appendLeaf(next.frontier, next.size, checked.leaf)
    computed.push(...appended.completed)
    next.frontier = appended.frontier
    next.lastLeaf = toHex(checked.leaf)
    next.size += 1
    const checkpoint = checkpoints[0]?.treeSize === next.size ? checkpoints.shift() : undefined
    if (checkpoint) checkpointProblem ??= checkpointFinding(checkpoint, rootFromFrontier(next.frontier))
  }
  if (next.size < end)
    return { kind: 'missing', seq: next.size, message: `Entry ${next.size} is missing from audit_log.` }
  const finding = (await nodeFinding(ex, computed)) ?? checkpointProblem
  if (finding) return finding
  Object.assign(pass, next)
  return null
}

/** At the head: the stored frontier and last leaf hash must be those of the rehashed rows. */
export function headFinding(pass: PassState, head: Head): Finding | null {
  const same =
    head.treeSize === pass.size &&
    head.lastLeafHash === pass.lastLeaf &&
    head.frontier.length === pass.frontier.length &&
    head.frontier.every((hash, i) => bytesEqual(hash, pass.frontier[i]!))
  if (same) return null
  const message = `The stored tree head (size ${head.treeSize}) is not the tree of the stored entries: appends would build on a wrong root.`
  return { kind: 'root', seq: null, message }
}
