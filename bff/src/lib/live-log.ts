import { sql } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import type { Executor } from '../db/client'

/**
 * The durable log behind live event streams (table `live_events`). An event is a row written in
 * the transaction of the change it describes; its position is `(tx, id)`: the writing
 * transaction's 64-bit id (`pg_current_xact_id()`) and a sequence. Both come from the database,
 * so a position means the same on every replica.
 *
 * Why not the sequence alone: sequence values are taken before commit, so a transaction holding
 * id 10 can commit after one holding id 11, and a console that saw 11 would never get 10. A
 * reader therefore orders by `(tx, id)` and only hands out rows whose transaction is older than
 * the oldest transaction still running (`pg_snapshot_xmin`): every transaction before that point
 * has ended, so the rows handed out are a gap-free prefix of the log, and nothing can later
 * appear before a position already delivered. A row of a newer transaction waits (`pending`)
 * until the older transactions have ended, usually a few milliseconds.
 */

/** A position in the log, as sent to consoles (`<tx>-<id>`, both decimal). */
export type LivePosition = { tx: bigint; id: bigint }

/** The position before every event: a console that saw nothing yet. */
export const LOG_START: LivePosition = { tx: 0n, id: 0n }

const POSITION = /^(0|[1-9]\d{0,19})-(0|[1-9]\d{0,19})$/
const MAX_U64 = (1n << 64n) - 1n

export function formatPosition(p: LivePosition): string {
  return `${p.tx}-${p.id}`
}

/** Parses an event id; null when it is not one this server made. */
export function parsePosition(text: string | undefined | null): LivePosition | null {
  const m = text ? POSITION.exec(text.trim()) : null
  if (!m) return null
  const tx = BigInt(m[1] as string)
  const id = BigInt(m[2] as string)
  return tx > MAX_U64 || id > MAX_U64 / 2n ? null : { tx, id }
}

export function comparePositions(a: LivePosition, b: LivePosition): number {
  if (a.tx !== b.tx) return a.tx < b.tx ? -1 : 1
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1
}

export type LogRow = { position: LivePosition; payload: unknown }

type RawRow = { id: string; tx: string; payload: unknown; ready: boolean }

const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows

/**
 * Appends an event and NOTIFYs it to the channel's listeners (the payload is the event's JSON,
 * so in-process subscribers keep working; streams only take it as a wake-up), in one statement of
 * the caller's transaction.
 */
export async function appendEvent(tx: Executor, channel: string, event: unknown): Promise<void> {
  await tx.execute(appendEventStatement(channel, event))
}

/** The append as one data-modifying statement, for a caller that runs it inside its own WITH. */
export function appendEventStatement(channel: string, event: unknown): SQL {
  const json = JSON.stringify(event)
  return sql`insert into live_events (channel, payload)
    select ${channel}, ${json}::jsonb from (select pg_notify(${channel}, ${json})) as wake`
}

/**
 * The events after `after`, oldest first, at most `limit`: only those whose transaction is older
 * than every running one. `pending` says that newer rows exist that are not handed out yet.
 */
export async function readAfter(
  ex: Executor,
  channel: string,
  after: LivePosition,
  limit: number,
): Promise<{ rows: LogRow[]; pending: boolean }> {
  const raw = rowsOf<RawRow>(
    await ex.execute(sql`
      select id::text as id, tx::text as tx, payload, tx < pg_snapshot_xmin(pg_current_snapshot()) as ready
      from live_events
      where channel = ${channel} and (tx, id) > (${after.tx.toString()}::xid8, ${after.id.toString()}::bigint)
      order by tx, id
      limit ${limit}`),
  )
  const rows: LogRow[] = []
  for (const r of raw) {
    if (!r.ready) return { rows, pending: true }
    rows.push({ position: { tx: BigInt(r.tx), id: BigInt(r.id) }, payload: r.payload })
  }
  return { rows, pending: false }
}

/**
 * Where a new stream starts and whether a console's Last-Event-ID can be replayed: `head` is the
 * newest position that can be handed out now (or the floor), `floor` the newest pruned one.
 */
export async function readBounds(ex: Executor, channel: string): Promise<{ head: LivePosition; floor: LivePosition }> {
  const [row] = rowsOf<{
    head_tx: string | null
    head_id: string | null
    floor_tx: string | null
    floor_id: string | null
  }>(
    await ex.execute(sql`
      select h.tx::text as head_tx, h.id::text as head_id, f.tx::text as floor_tx, f.id::text as floor_id
      from (select 1) as one
      left join lateral (
        select tx, id from live_events
        where channel = ${channel} and tx < pg_snapshot_xmin(pg_current_snapshot())
        order by tx desc, id desc limit 1
      ) as h on true
      left join live_event_floors as f on f.channel = ${channel}`),
  )
  const floor = row?.floor_tx && row.floor_id ? { tx: BigInt(row.floor_tx), id: BigInt(row.floor_id) } : LOG_START
  const head = row?.head_tx && row.head_id ? { tx: BigInt(row.head_tx), id: BigInt(row.head_id) } : floor
  return { head: comparePositions(head, floor) < 0 ? floor : head, floor }
}

/**
 * Drops, per channel, the events older than `before` (only a prefix of the log, so that a
 * surviving position still has everything after it) and raises the channel's floor to the
 * newest position dropped. Returns the number of rows dropped.
 */
export async function pruneEvents(ex: Executor, before: Date): Promise<number> {
  const rows = rowsOf<{ dropped: string }>(
    await ex.execute(sql`
      with cut as (
        select channel, (array_agg(tx order by tx desc, id desc))[1] as tx,
               (array_agg(id order by tx desc, id desc))[1] as id
        from live_events
        where created_at < ${before.toISOString()}::timestamptz and tx < pg_snapshot_xmin(pg_current_snapshot())
        group by channel
      ),
      dropped as (
        delete from live_events e using cut
        where e.channel = cut.channel and (e.tx, e.id) <= (cut.tx, cut.id)
        returning e.id
      ),
      floors as (
        insert into live_event_floors (channel, tx, id) select channel, tx, id from cut
        on conflict (channel) do update set tx = excluded.tx, id = excluded.id
        where (live_event_floors.tx, live_event_floors.id) < (excluded.tx, excluded.id)
      )
      select count(*)::text as dropped from dropped`),
  )
  return Number(rows[0]?.dropped ?? 0)
}

/**
 * Prunes live events older than the retention every minute (or a tenth of the retention). Every
 * replica may run it: the delete is idempotent and the floor only moves forward.
 */
export function scheduleLivePrune(
  bus: { prune(before: Date): Promise<number> },
  retentionMs: number,
  onError: (err: unknown) => void,
): () => void {
  const timer = setInterval(
    () => void bus.prune(new Date(Date.now() - retentionMs)).catch(onError),
    Math.min(60_000, Math.max(1_000, retentionMs / 10)),
  )
  timer.unref()
  return () => clearInterval(timer)
}
