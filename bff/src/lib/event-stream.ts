import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import type { AppEnv } from './context'
import type { EventBus } from './events'
import { LOG_START, comparePositions, formatPosition, parsePosition } from './live-log'
import type { StreamLimiter } from './stream-limit'

const HEARTBEAT_MS = 15_000
/** Rows read from the log at a time. */
const PAGE = 500
/** How soon to look again when newer rows wait for older transactions to end. */
const PENDING_RETRY_MS = 20

/** A module's live events: the log channel they are kept in, and which of them this stream carries. */
export type LiveFeed<E> = {
  bus: EventBus
  channel: string
  /** The stream's event for a stored payload, or null when this stream does not carry it. */
  select: (payload: unknown) => E | null
}

/** Why a console's Last-Event-ID cannot be replayed; sent as the data of a `reload` event. */
export type ReloadReason = 'too_old' | 'unknown'

/**
 * Where a stream's events come from: a wake-up when something may be new, the starting point
 * for a console's Last-Event-ID, and reads after a position (ids are opaque strings here).
 */
export type LiveSource<E> = {
  closed: AbortSignal
  subscribe: (wake: () => void) => Promise<() => void>
  start: (lastEventId: string | undefined) => Promise<{ from: string; reload: ReloadReason | null }>
  /** Events after `after`; `event` null moves the position without an event for this stream. */
  read: (
    after: string,
  ) => Promise<{ items: Array<{ id: string; event: E | null }>; hasMore: boolean; isPending: boolean }>
}

/** The source of a module's events kept in the durable log (`live-log.ts`). */
export function logSource<E>(feed: LiveFeed<E>): LiveSource<E> {
  return {
    closed: feed.bus.closed,
    subscribe: (wake) => feed.bus.subscribe(feed.channel, wake),
    async start(lastEventId) {
      const { head, floor } = await feed.bus.bounds(feed.channel)
      if (lastEventId === undefined) return { from: formatPosition(head), reload: null }
      const last = parsePosition(lastEventId)
      if (!last || comparePositions(last, head) > 0) return { from: formatPosition(head), reload: 'unknown' }
      if (comparePositions(last, floor) < 0) return { from: formatPosition(head), reload: 'too_old' }
      return { from: formatPosition(last), reload: null }
    },
    async read(after) {
      const { rows, pending } = await feed.bus.read(feed.channel, parsePosition(after) ?? LOG_START, PAGE)
      return {
        items: rows.map((row) => ({ id: formatPosition(row.position), event: feed.select(row.payload) })),
        hasMore: rows.length === PAGE,
        isPending: pending,
      }
    },
  }
}

/**
 * A server-sent event stream of a module's live events, read from the durable log
 * (`live-log.ts`): the principal's stream slot is taken first (429 past the limit), the channel is
 * listened to before the starting point is read (so nothing committed meanwhile is missed), a
 * `ready` event opens it, every event carries its log position as `id`, and a console that comes
 * back with `Last-Event-ID` (the header EventSource sends, or the `lastEventId` query) gets every
 * event after it, or a `reload` event when it is older than the log keeps (its data names the
 * reason) followed by the live events from now on. Events the stream does not carry (another
 * run's) still move the console's Last-Event-ID (an `id` line without data). A comment line
 * every 15 s keeps proxies open; it ends with the client or the server.
 */
export async function streamEvents<E extends { type: string }>(
  c: Context<AppEnv>,
  options: { streams: StreamLimiter; lastEventId?: string } & ({ feed: LiveFeed<E> } | { source: LiveSource<E> }),
): Promise<Response> {
  const { streams } = options
  const source = 'source' in options ? options.source : logSource(options.feed)
  const closed = source.closed
  const release = streams.acquire(c.var.principal)
  let wake: (() => void) | null = null
  let isDirty = true
  let start: Awaited<ReturnType<LiveSource<E>['start']>>
  let unsubscribe: () => void = () => undefined
  try {
    unsubscribe = await source.subscribe(() => {
      isDirty = true
      wake?.()
    })
    start = await source.start(c.req.header('last-event-id') ?? options.lastEventId)
  } catch (err) {
    unsubscribe()
    release()
    throw err
  }
  c.header('Cache-Control', 'no-store')
  c.header('X-Accel-Buffering', 'no')
  return streamSSE(c, async (stream) => {
    let isOpen = true
    let cursor = start.from
    const end = () => {
      isOpen = false
      release()
      wake?.()
    }
    stream.onAbort(end)
    if (stream.aborted) end()
    closed.addEventListener('abort', end, { once: true })
    if (closed.aborted) end()
    // Until `ms` passed, an event was NOTIFYed or the stream ended (at once if one of those already happened).
    const sleep = async (ms: number) => {
      if (isDirty || !isOpen) return
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms)
        wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      wake = null
    }
    try {
      await stream.writeSSE({ event: 'ready', data: '{}', id: cursor })
      if (start.reload) await stream.writeSSE({ event: 'reload', data: JSON.stringify({ reason: start.reload }) })
      while (isOpen) {
        if (isDirty) {
          isDirty = false
          const { items, hasMore, isPending } = await source.read(cursor)
          for (const { id, event } of items) {
            if (!isOpen) break
            if (event) await stream.writeSSE({ event: event.type, data: JSON.stringify(event), id })
            else await stream.write(`id: ${id}\n\n`)
            cursor = id
          }
          if (hasMore) isDirty = true
          if (isDirty) continue
          if (isPending) {
            await sleep(PENDING_RETRY_MS)
            isDirty = true
            continue
          }
        }
        await sleep(HEARTBEAT_MS)
        if (isOpen && !isDirty) await stream.write(': keep-alive\n\n')
      }
    } catch {
      // The database or the socket failed: end the stream; the console comes back with its Last-Event-ID.
    } finally {
      closed.removeEventListener('abort', end)
      unsubscribe()
      release()
    }
  })
}
