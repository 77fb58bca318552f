import { asc, eq, sql } from 'drizzle-orm'
import { canonicalEntryText, appendLeaf, fromHex, leafHash, toHex } from '@tg/contracts/formats/audit'
import type { AuditEntryBody, Frontier } from '@tg/contracts/formats/audit'
import type { Db, Executor } from '../../db/client'
import { auditHead, auditLog, auditNodes, auditPending } from '../../db/schema'

export const SEQUENCE_BATCH = 500

export type Head = { origin: string | null; treeSize: number; frontier: Frontier; lastLeafHash: string | null }

export const parseFrontier = (text: string): Frontier => (text ? text.split(',').map(fromHex) : [])
const formatFrontier = (frontier: Frontier) => frontier.map(toHex).join(',')

/** Reads the head row, locking it: every writer of the tree goes through this lock. */
export async function lockHead(tx: Executor): Promise<Head> {
  const [row] = await tx.select().from(auditHead).where(eq(auditHead.id, 1)).for('update')
  if (!row) throw new Error('audit_head row is missing: migrations incomplete')
  return {
    origin: row.origin,
    treeSize: row.treeSize,
    frontier: parseFrontier(row.frontier),
    lastLeafHash: row.lastLeafHash,
  }
}

export async function readHead(ex: Executor): Promise<Head> {
  const [row] = await ex.select().from(auditHead).where(eq(auditHead.id, 1))
  if (!row) throw new Error('audit_head row is missing: migrations incomplete')
  return {
    origin: row.origin,
    treeSize: row.treeSize,
    frontier: parseFrontier(row.frontier),
    lastLeafHash: row.lastLeafHash,
  }
}

export async function setOrigin(tx: Executor, origin: string): Promise<void> {
  await tx.update(auditHead).set({ origin }).where(eq(auditHead.id, 1))
}

const encoder = new TextEncoder()

/**
 * Moves up to `limit` committed records from the queue into the log, in queue order: each gets
 * the next sequence number, its canonical bytes (which include the previous entry's hash), its
 * leaf hash, and the tree nodes it completes. Runs under the head lock, so sequence numbers are
 * unique across every replica. Returns how many were sequenced.
 */
export async function sequenceBatch(db: Db, limit = SEQUENCE_BATCH): Promise<number> {
  // Group commit sequences its own records: most passes find the queue empty. A plain read says
  // so without taking the head's lock (a write transaction) after every request.
  const [any] = await db.select({ id: auditPending.id }).from(auditPending).limit(1)
  if (!any) return 0
  return db.transaction((tx) => sequenceWithin(tx, limit))
}

/** Entries this process appended to the log since it started (some may have rolled back). */
let appendedHere = 0
/** A count that grows with every append this process makes (see the audit service's `kick`). */
export const appendedEntryCount = () => appendedHere

/** An audit record not yet in the log: a queued row, or one held in memory by a group commit. */
export type QueuedRecord = Omit<typeof auditPending.$inferSelect, 'id'>
/** A record of a group commit, stamped with the batch transaction's time when it is sequenced. */
export type HeldRecord = Omit<QueuedRecord, 'at'>

/** The head, locked, with the transaction's time and whether any record is queued: one statement. */
async function lockHeadForAppend(tx: Executor) {
  const [row] = await tx
    .select({
      treeSize: auditHead.treeSize,
      frontier: auditHead.frontier,
      lastLeafHash: auditHead.lastLeafHash,
      nowMs: sql<number>`(extract(epoch from now()) * 1000)::float8`,
      hasQueued: sql<boolean>`exists (select 1 from ${auditPending})`,
    })
    .from(auditHead)
    .where(eq(auditHead.id, 1))
    .for('update')
  if (!row) throw new Error('audit_head row is missing: migrations incomplete')
  return { ...row, hasQueued: row.hasQueued === true || String(row.hasQueued) === 't', at: new Date(Number(row.nowMs)) }
}

/**
 * The same inside the caller's transaction (a group commit's), where the head stays locked until
 * it commits: the queued records first, then `held`, the batch's own records kept in memory (never
 * written to the queue), stamped with the transaction's time. Two statements when the queue is
 * empty (the head with its lock, then every write of the append in one statement), the hashes
 * computed in between.
 */
export async function sequenceWithin(tx: Executor, limit = SEQUENCE_BATCH, held: HeldRecord[] = []): Promise<number> {
  const head = await lockHeadForAppend(tx)
  const queued = head.hasQueued ? await tx.select().from(auditPending).orderBy(asc(auditPending.id)).limit(limit) : []
  if (queued.length === 0 && held.length === 0) return 0
  appendedHere += queued.length + held.length
  const rows: QueuedRecord[] = [...queued, ...held.map((record) => ({ ...record, at: head.at }))]
  let frontier = parseFrontier(head.frontier)
  let { treeSize: size, lastLeafHash: prev } = head
  const logRows: Array<Record<string, string | number | null>> = []
  const nodeRows: Array<{ level: number; idx: number; hash: string }> = []
  for (const row of rows) {
    const body: AuditEntryBody = {
      seq: size,
      time: row.at.toISOString(),
      actor: { type: row.actorType as AuditEntryBody['actor']['type'], id: row.actorId, name: row.actorName },
      action: row.action,
      resource: { type: row.resourceType, id: row.resourceId },
      outcome: row.outcome as AuditEntryBody['outcome'],
      requestId: row.requestId,
      clientIp: row.clientIp,
      details: (row.details ?? {}) as Record<string, unknown>,
      prevHash: prev,
    }
    const canonical = canonicalEntryText(body)
    const hash = leafHash(encoder.encode(canonical))
    const appended = appendLeaf(frontier, size, hash)
    frontier = appended.frontier
    for (const node of appended.completed) nodeRows.push({ level: node.level, idx: node.index, hash: toHex(node.hash) })
    logRows.push({
      seq: size,
      at: row.at.toISOString(),
      actor_type: row.actorType,
      actor_id: row.actorId,
      actor_name: row.actorName,
      action: row.action,
      resource_type: row.resourceType,
      resource_id: row.resourceId,
      outcome: row.outcome,
      canonical,
      leaf_hash: toHex(hash),
    })
    prev = toHex(hash)
    size += 1
  }
  // One statement: the entries and the tree nodes (one JSON parameter each, jsonb_to_recordset,
  // instead of thousands of bound values), the queue's rows taken, the new head, and the NOTIFY
  // that wakes the audit live streams (modules/audit/live.ts) once this transaction commits.
  // A data-modifying WITH runs to completion whether or not the final SELECT reads it.
  const ids = `{${queued.map((r) => r.id).join(',')}}`
  await tx.execute(sql`
    with log as (
      insert into ${auditLog} (seq, at, actor_type, actor_id, actor_name, action, resource_type, resource_id, outcome, canonical, leaf_hash)
      select seq, at, actor_type, actor_id, actor_name, action, resource_type, resource_id, outcome, canonical, decode(leaf_hash, 'hex')
      from jsonb_to_recordset(${JSON.stringify(logRows)}::jsonb) as x(seq bigint, at timestamptz, actor_type text, actor_id text,
        actor_name text, action text, resource_type text, resource_id text, outcome text, canonical text, leaf_hash text)
    ), nodes as (
      insert into ${auditNodes} (level, idx, hash)
      select level, idx, decode(hash, 'hex') from jsonb_to_recordset(${JSON.stringify(nodeRows)}::jsonb) as x(level smallint, idx bigint, hash text)
    ), taken as (
      delete from ${auditPending} where id = any(${ids}::bigint[])
    ), moved as (
      update ${auditHead} set tree_size = ${size}, frontier = ${formatFrontier(frontier)}, last_leaf_hash = ${prev} where id = 1
    )
    select pg_notify('tg_audit', ${String(size)})`)
  return rows.length
}

export async function countPending(ex: Executor): Promise<number> {
  const [row] = await ex.select({ n: sql<number>`count(*)::int` }).from(auditPending)
  return row?.n ?? 0
}

/**
 * Runs sequencing passes until the queue is empty. A call made while a pass runs gets a pass
 * that starts after the current one, so a caller always sees its own committed records
 * sequenced once the promise resolves.
 */
export function createSequencer(db: Db, onSequenced: (count: number) => void) {
  let running: Promise<void> | null = null
  let queued: Promise<void> | null = null
  const pass = async () => {
    // A short pass ends the loop: whatever committed before this pass started is in the log then.
    for (let n = SEQUENCE_BATCH; n === SEQUENCE_BATCH;) {
      n = await sequenceBatch(db)
      if (n > 0) onSequenced(n)
    }
  }
  const drain = (): Promise<void> => {
    if (!running) {
      running = pass().finally(() => {
        running = null
      })
      return running
    }
    queued ??= running.then(
      () => {
        queued = null
        return drain()
      },
      () => {
        queued = null
        return drain()
      },
    )
    return queued
  }
  return drain
}
