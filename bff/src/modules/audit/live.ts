import type { AuditEvent } from '@tg/contracts'
import type { Executor } from '../../db/client'
import type { LiveSource } from '../../lib/event-stream'
import type { EventBus } from '../../lib/events'
import { readHead } from './tree'

/** NOTIFYed by each sequencing batch, in its transaction, with the new tree size. */
export const AUDIT_CHANNEL = 'tg_audit'

const TREE_SIZE = /^(0|[1-9]\d{0,14})$/

/**
 * The audit log's live events, read from the log itself: the sequencer appends under the head's
 * row lock, so tree sizes grow in commit order, and an id (a tree size) means the same on every
 * replica. A console that comes back with a tree size gets one `entries` event covering every
 * entry appended since; the log keeps every entry, so an id is never too old, only unknown when
 * it is beyond the log (another database).
 */
export function auditSource(db: Executor, bus: EventBus): LiveSource<AuditEvent> {
  const treeSize = async () => (await readHead(db)).treeSize
  return {
    closed: bus.closed,
    subscribe: (wake) => bus.subscribe(AUDIT_CHANNEL, wake),
    async start(lastEventId) {
      const size = await treeSize()
      if (lastEventId === undefined) return { from: String(size), reload: null }
      const last = TREE_SIZE.test(lastEventId.trim()) ? Number(lastEventId.trim()) : Number.NaN
      if (!(last <= size)) return { from: String(size), reload: 'unknown' }
      return { from: String(last), reload: null }
    },
    async read(after) {
      const size = await treeSize()
      const from = Number(after)
      const items =
        size > from ? [{ id: String(size), event: { type: 'entries' as const, fromSeq: from, toSeq: size - 1 } }] : []
      return { items, hasMore: false, isPending: false }
    },
  }
}
