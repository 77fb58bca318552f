import { customType, timestamp } from 'drizzle-orm/pg-core'

/** Shared column builders of the schema files. */
export const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()

/** Raw bytes (hashes, public keys). PGlite returns Uint8Array and node-postgres Buffer: both become Buffer. */
export const bytea = customType<{ data: Buffer; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
})

export const at = () => timestamp('at', { withTimezone: true, mode: 'date' }).notNull()
