import type { Db, Executor } from '../../db/client'
import { createGroupCommit } from '../../db/group-commit'
import type { GroupCommitOptions } from '../../db/group-commit'
import { heldRecordOf, recordAuditEvent } from './record'
import type { AuditWriter } from './record'
import { SEQUENCE_BATCH, sequenceWithin } from './tree'
import type { HeldRecord } from './tree'

/**
 * The audit log's writer with group commit: the audited changes that arrive together share one
 * transaction and one Merkle tree update. The records written inside a batch stay in memory (keyed
 * by the batch's transaction, never queued) and are sequenced, after whatever the queue holds,
 * just before the COMMIT, under the head lock that orders every replica's appends. A record
 * written in any other transaction (or in a savepoint a member opens) goes to the queue as before.
 */
export function createAuditWriter(
  db: Db,
  options: Pick<GroupCommitOptions, 'onCommit' | 'windowMs'> & { isEnabled?: boolean } = {},
): AuditWriter {
  if (options.isEnabled === false) return { record: recordAuditEvent, transaction: (work) => db.transaction(work) }
  const held = new WeakMap<Executor, HeldRecord[]>()
  const writes = createGroupCommit(db, {
    begin: (tx) => held.set(tx, []),
    beforeCommit: async (tx) => {
      await sequenceWithin(tx, SEQUENCE_BATCH, held.get(tx))
    },
    onCommit: options.onCommit,
    windowMs: options.windowMs,
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
