import { sql } from 'drizzle-orm'
import type { Db, Executor } from '../../db/client'
import { createGroupCommit } from '../../db/group-commit'
import type { GroupCommitOptions } from '../../db/group-commit'
import { auditPending } from '../../db/schema'
import { heldRecordOf, recordAuditEvent } from './record'
import type { AuditWriter } from './record'
import { SEQUENCE_BATCH, sequenceWithin } from './tree'
import type { HeldRecord } from './tree'

export type AuditWriterOptions = Pick<GroupCommitOptions, 'onCommit' | 'windowMs' | 'maxInFlight'> & {
  isEnabled?: boolean
  /**
   * With several batches in flight (PostgreSQL): a sequencing pass that starts after the caller's
   * commit (the audit service's sequencer, shared with every other caller). Required then.
   */
  sequence?: () => Promise<void>
}

/** A batch's records into the sequencing queue, in one statement (their time: the transaction's). */
async function queueRecords(tx: Executor, records: HeldRecord[]) {
  const rows = records.map((r, n) => ({
    n,
    actor_type: r.actorType,
    actor_id: r.actorId,
    actor_name: r.actorName,
    action: r.action,
    resource_type: r.resourceType,
    resource_id: r.resourceId,
    outcome: r.outcome,
    request_id: r.requestId,
    client_ip: r.clientIp,
    details: r.details,
  }))
  await tx.execute(sql`
    insert into ${auditPending} (actor_type, actor_id, actor_name, action, resource_type, resource_id, outcome, request_id, client_ip, details)
    select actor_type, actor_id, actor_name, action, resource_type, resource_id, outcome, request_id, client_ip, coalesce(details, '{}'::jsonb)
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(actor_type text, actor_id text, actor_name text,
      action text, resource_type text, resource_id text, outcome text, request_id text, client_ip text, details jsonb, n int)
    order by n`)
}

/**
 * The audit log's writer with group commit: the audited changes that arrive together share one
 * transaction, and each caller is answered once its records are in the Merkle log. The records
 * written inside a batch stay in memory (keyed by the batch's transaction) until its end:
 * - one batch at a time (PGlite): they are sequenced, after whatever the queue holds, just before
 *   the COMMIT, under the head lock that orders every replica's appends (one tree update a batch);
 * - several batches at once (PostgreSQL, `maxInFlight` > 1): each batch writes its records to the
 *   queue in one statement and commits without the head's lock, so batches run and commit in
 *   parallel on the pool; one sequencing pass after the commits moves every queued record into
 *   the log (one tree update for all the batches that committed meanwhile).
 * A record written in any other transaction (or in a savepoint a member opens) goes to the queue
 * as before.
 */
export function createAuditWriter(db: Db, options: AuditWriterOptions = {}): AuditWriter {
  if (options.isEnabled === false) return { record: recordAuditEvent, transaction: (work) => db.transaction(work) }
  const held = new WeakMap<Executor, HeldRecord[]>()
  const isParallel = (options.maxInFlight ?? 1) > 1
  if (isParallel && !options.sequence) throw new Error('parallel group commits need a sequencing pass')
  const writes = createGroupCommit(db, {
    begin: (tx) => held.set(tx, []),
    beforeCommit: async (tx) => {
      const records = held.get(tx) ?? []
      if (!isParallel) await sequenceWithin(tx, SEQUENCE_BATCH, records)
      else if (records.length > 0) await queueRecords(tx, records)
    },
    afterCommit: isParallel ? options.sequence : undefined,
    onCommit: options.onCommit,
    windowMs: options.windowMs,
    maxInFlight: options.maxInFlight,
  })
  return {
    async record(tx, ctx, event) {
      const records = held.get(tx)
      if (records) records.push(heldRecordOf(ctx, event))
      else await recordAuditEvent(tx, ctx, event)
    },
    transaction: (work) => writes.transaction(work),
  }
}
