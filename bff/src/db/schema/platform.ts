import { sql } from 'drizzle-orm'
import { bigint, bigserial, customType, index, integer, jsonb, pgTable, varchar } from 'drizzle-orm/pg-core'
import { createdAt } from './columns'

/**
 * Request counters shared by every replica when PostgreSQL is the rate-limit store (no Redis):
 * the table `rate-limiter-flexible`'s RateLimiterPostgres reads and writes, in its own layout
 * (key, points consumed in the window, window end in epoch milliseconds). Created here so that
 * migrations own the schema; the limiter deletes expired rows itself.
 */
export const rateLimits = pgTable('rate_limits', {
  key: varchar('key', { length: 255 }).primaryKey(),
  points: integer('points').notNull().default(0),
  expire: bigint('expire', { mode: 'number' }),
})

const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' })

/**
 * The durable log of live events (`lib/live-log.ts`): one row per event, written in the
 * transaction of the change it describes. Its position `(tx, id)` is the event id a console
 * sends back as Last-Event-ID; the same on every replica, since it comes from the database.
 */
export const liveEvents = pgTable(
  'live_events',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    channel: varchar('channel', { length: 63 }).notNull(),
    tx: xid8('tx')
      .notNull()
      .default(sql`pg_current_xact_id()`),
    payload: jsonb('payload').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('live_events_channel_position').on(t.channel, t.tx, t.id),
    index('live_events_created_at').on(t.createdAt),
  ],
)

/** Per channel, the newest position pruned: a Last-Event-ID at or before it is too old to replay. */
export const liveEventFloors = pgTable('live_event_floors', {
  channel: varchar('channel', { length: 63 }).primaryKey(),
  tx: xid8('tx').notNull(),
  id: bigint('id', { mode: 'bigint' }).notNull(),
})
