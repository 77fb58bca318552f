import { sql } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import type { Database, Executor } from '../db/client'
import { appendEvent, appendEventStatement, pruneEvents, readAfter, readBounds } from './live-log'
import type { LivePosition, LogRow } from './live-log'

/**
 * Live events across replicas on PostgreSQL LISTEN/NOTIFY (PGlite has the same): an event is
 * NOTIFYed inside the transaction of the change it describes, so every replica's listeners get
 * it exactly when, and only if, the change commits. One LISTEN per channel and process; local
 * subscribers share it.
 */
export interface EventBus {
  /** A bare NOTIFY (work kicks between replicas): not kept, not replayed. */
  publish(tx: Executor, channel: string, event: unknown): Promise<void>
  /** A live event for consoles: kept in `live_events` (replayable by position) and NOTIFYed. */
  append(tx: Executor, channel: string, event: unknown): Promise<void>
  /** The same append as a data-modifying statement, for a caller's WITH (one round trip for both). */
  appendStatement(channel: string, event: unknown): SQL
  /** The channel's events after a position (see `live-log.ts`). */
  read(channel: string, after: LivePosition, limit: number): Promise<{ rows: LogRow[]; pending: boolean }>
  bounds(channel: string): Promise<{ head: LivePosition; floor: LivePosition }>
  /** Drops live events older than `before`; the number dropped. */
  prune(before: Date): Promise<number>
  subscribe(channel: string, onEvent: (payload: string) => void): Promise<() => void>
  /** Ends every subscription; `closed` is aborted so that long-lived streams finish. */
  close(): Promise<void>
  readonly closed: AbortSignal
}

export function createEventBus(database: Database, onError: (err: Error) => void = () => undefined): EventBus {
  const closing = new AbortController()
  const channels = new Map<string, { handlers: Set<(payload: string) => void>; stop: Promise<() => Promise<void>> }>()

  return {
    async publish(tx, channel, event) {
      await tx.execute(sql`select pg_notify(${channel}, ${JSON.stringify(event)})`)
    },

    append: (tx, channel, event) => appendEvent(tx, channel, event),
    appendStatement: (channel, event) => appendEventStatement(channel, event),
    read: (channel, after, limit) => readAfter(database.db, channel, after, limit),
    bounds: (channel) => readBounds(database.db, channel),
    prune: (before) => pruneEvents(database.db, before),

    async subscribe(channel, onEvent) {
      let entry = channels.get(channel)
      if (!entry) {
        const handlers = new Set<(payload: string) => void>()
        const stop = database.listen(channel, (payload) => {
          for (const handler of handlers) {
            try {
              handler(payload)
            } catch (err) {
              onError(err as Error)
            }
          }
        })
        entry = { handlers, stop }
        channels.set(channel, entry)
        stop.catch(() => channels.delete(channel))
      }
      entry.handlers.add(onEvent)
      await entry.stop
      const current = entry
      return () => {
        current.handlers.delete(onEvent)
        if (current.handlers.size > 0 || channels.get(channel) !== current) return
        channels.delete(channel)
        void current.stop.then((stop) => stop()).catch((err: Error) => onError(err))
      }
    },

    closed: closing.signal,

    async close() {
      closing.abort()
      const all = [...channels.values()]
      channels.clear()
      await Promise.all(all.map((entry) => entry.stop.then((stop) => stop()).catch(() => undefined)))
    },
  }
}
