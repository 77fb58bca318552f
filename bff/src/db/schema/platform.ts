import { bigint, integer, pgTable, varchar } from 'drizzle-orm/pg-core'

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
