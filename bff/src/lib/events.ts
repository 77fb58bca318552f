import { sql } from 'drizzle-orm'
import type { Database, Executor } from '../db/client'

/**
 * Live events across replicas on PostgreSQL LISTEN/NOTIFY (PGlite has the same): an event is
 * NOTIFYed inside the transaction of the change it describes, so every replica's listeners get
 * it exactly when, and only if, the change commits. One LISTEN per channel and process; local
 * subscribers share it.
 */
export interface EventBus {
  publish(tx: Executor, channel: string, event: unknown): Promise<void>
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
