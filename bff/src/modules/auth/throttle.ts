import { and, gt, inArray, sql } from 'drizzle-orm'
import type { Db, Executor } from '../../db/client'
import { signInThrottle } from '../../db/schema'

/**
 * Failed sign-ins slow down the account and the client address they came from. The counters
 * live in the database so every replica sees the same state.
 */
export const THROTTLE_POLICY = {
  accountFreeFailures: 5,
  addressFreeFailures: 20,
  windowMs: 15 * 60_000,
  maxBlockMs: 15 * 60_000,
}

export const accountKey = (username: string) => `account:${username}`
export const addressKey = (ip: string) => `address:${ip}`

/** Milliseconds to wait before another attempt is allowed for any of `keys`, 0 when none. */
export async function remainingBlockMs(db: Db, keys: string[], now: Date): Promise<number> {
  if (keys.length === 0) return 0
  const rows = await db
    .select({ blockedUntil: signInThrottle.blockedUntil })
    .from(signInThrottle)
    .where(and(inArray(signInThrottle.key, keys), gt(signInThrottle.blockedUntil, now)))
  return rows.reduce((max, row) => Math.max(max, (row.blockedUntil?.getTime() ?? 0) - now.getTime()), 0)
}

export function blockDurationMs(failures: number, freeFailures: number): number {
  if (failures < freeFailures) return 0
  return Math.min(1000 * 2 ** (failures - freeFailures), THROTTLE_POLICY.maxBlockMs)
}

export async function recordFailure(tx: Executor, key: string, freeFailures: number, now: Date): Promise<void> {
  const windowStart = new Date(now.getTime() - THROTTLE_POLICY.windowMs)
  const [row] = await tx
    .insert(signInThrottle)
    .values({ key, failures: 1, lastFailureAt: now })
    .onConflictDoUpdate({
      target: signInThrottle.key,
      set: {
        failures: sql`case when ${signInThrottle.lastFailureAt} < ${windowStart.toISOString()}::timestamptz then 1 else ${signInThrottle.failures} + 1 end`,
        lastFailureAt: now,
      },
    })
    .returning({ failures: signInThrottle.failures })
  const blockMs = blockDurationMs(row?.failures ?? 1, freeFailures)
  await tx
    .update(signInThrottle)
    .set({ blockedUntil: blockMs > 0 ? new Date(now.getTime() + blockMs) : null })
    .where(inArray(signInThrottle.key, [key]))
}

export async function clearFailures(tx: Executor, key: string): Promise<void> {
  await tx.delete(signInThrottle).where(inArray(signInThrottle.key, [key]))
}
