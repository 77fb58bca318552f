import { and, eq, getTableName, gt, isNull, lt, lte, or, sql } from 'drizzle-orm'
import type { Placeholder, SQL } from 'drizzle-orm'
import type { AnyPgColumn } from 'drizzle-orm/pg-core'
import type { Executor } from '../../db/client'
import { signInThrottle as t } from '../../db/schema'

/**
 * Password attempts are counted per (account, address), per address and per account, in the
 * database so that every replica sees the same state. Each attempt is charged by one atomic
 * upsert BEFORE its password is checked; a blocked key turns the attempt away without hashing.
 * The account's own counter never blocks (that would let anyone lock anyone out): past its
 * allowance it only slows every attempt on the account down, by a bounded, growing delay.
 */
export const THROTTLE_POLICY = {
  /** Attempts one address may make against one account before waits begin. */
  pairFreeFailures: 5,
  /** Attempts one address may make across all usernames, known or not. */
  addressFreeFailures: 20,
  /** Failures over all addresses after which every attempt on the account is slowed down. */
  accountFreeFailures: 10,
  /** The first delay past the account's allowance; each further failure doubles it, up to the most. */
  firstAccountDelayMs: 250,
  maxAccountDelayMs: 4_000,
  /** The first wait past the allowance; each further charged attempt doubles it. */
  firstBlockMs: 30_000,
  /** Counters start afresh this long after a key's last charged attempt. */
  windowMs: 15 * 60_000,
  maxBlockMs: 15 * 60_000,
}

export type ThrottleScope = 'pair' | 'address' | 'account'
export type ThrottleKey = {
  key: string
  scope: ThrottleScope
  username: string | null
  address: string | null
  allowance: number
}

/** The account key's allowance: an int4 no count reaches, so that it never sets a block. */
const NEVER_BLOCKS = 2_147_483_647

/** Requests whose client address is unknown share one address counter. */
const UNKNOWN_ADDRESS = '-'

export function throttleKeysOf(username: string, clientIp: string | null): Record<ThrottleScope, ThrottleKey> {
  const address = clientIp ?? UNKNOWN_ADDRESS
  const { pairFreeFailures, addressFreeFailures } = THROTTLE_POLICY
  return {
    address: { key: `address:${address}`, scope: 'address', username: null, address, allowance: addressFreeFailures },
    pair: { key: `pair:${username}@${address}`, scope: 'pair', username, address, allowance: pairFreeFailures },
    account: { key: `account:${username}`, scope: 'account', username, address: null, allowance: NEVER_BLOCKS },
  }
}

/** The wait after the `failures`-th charged attempt: none below the allowance, then 30 s doubling to 15 min. */
export function blockDurationMs(failures: number, allowance: number): number {
  if (failures < allowance) return 0
  const { firstBlockMs, maxBlockMs } = THROTTLE_POLICY
  return Math.min(firstBlockMs * 2 ** Math.min(failures - allowance, 20), maxBlockMs)
}

/**
 * The delay of an attempt on an account whose counter (this attempt included) is at `failures`:
 * none within the allowance, then 250 ms doubling to 4 s. It slows a guesser spread over many
 * addresses without ever refusing the account's owner.
 */
export function accountDelayMs(failures: number): number {
  const { accountFreeFailures, firstAccountDelayMs, maxAccountDelayMs } = THROTTLE_POLICY
  if (failures <= accountFreeFailures) return 0
  return Math.min(firstAccountDelayMs * 2 ** Math.min(failures - accountFreeFailures - 1, 20), maxAccountDelayMs)
}

function blockUntilSql(failures: SQL, allowance: number, at: SQL): SQL {
  const exponent = sql`least(${failures} - ${allowance}::int, 20)`
  const { firstBlockMs, maxBlockMs } = THROTTLE_POLICY
  const seconds = sql`least(${firstBlockMs / 1000}::int * power(2, ${exponent}), ${maxBlockMs / 1000}::int)`
  return sql`case when ${failures} >= ${allowance}::int then ${at} + make_interval(secs => ${seconds}) else null end`
}

export type Reservation = {
  key: ThrottleKey
  /** True when this attempt was charged and may check its password. */
  isReserved: boolean
  failures: number
  /** Attempts turned away during the current block (1: this one started the count). */
  refused: number
  /** When charged: the attempts turned away during the block that this attempt ended. */
  endedRefused: number
  blockedUntil: Date | null
}

/**
 * Charges one attempt to `key` unless the key is blocked, in one atomic statement: concurrent
 * attempts queue on the row, so no more than the allowance are ever charged before the block.
 * Reaching the allowance sets the block at once (as if the attempt failed); success gives it back.
 * `ignoreBlock` charges even a blocked key (an active admin at an address that has not failed).
 */
export async function reserveAttempt(
  ex: Executor,
  key: ThrottleKey,
  now: Date,
  nonce: string,
  ignoreBlock = false,
): Promise<Reservation> {
  const at = sql`${now.toISOString()}::timestamptz`
  const staleBefore = sql`${new Date(now.getTime() - THROTTLE_POLICY.windowMs).toISOString()}::timestamptz`
  const isBlocked = ignoreBlock ? sql`false` : sql`coalesce(${t.blockedUntil} > ${at}, false)`
  const charged = sql`(case when ${t.lastFailureAt} < ${staleBefore} then 1 else ${t.failures} + 1 end)`
  const firstBlock = blockDurationMs(1, key.allowance)
  const [row] = await ex
    .insert(t)
    .values({
      ...key,
      failures: 1,
      lastFailureAt: now,
      blockedUntil: firstBlock > 0 ? new Date(now.getTime() + firstBlock) : null,
      reservation: nonce,
    })
    .onConflictDoUpdate({
      target: t.key,
      set: {
        allowance: key.allowance,
        failures: sql`case when ${isBlocked} then ${t.failures} else ${charged} end`,
        lastFailureAt: sql`case when ${isBlocked} then ${t.lastFailureAt} else ${at} end`,
        blockedUntil: sql`case when ${isBlocked} then ${t.blockedUntil} else ${blockUntilSql(charged, key.allowance, at)} end`,
        refused: sql`case when ${isBlocked} then ${t.refused} + 1 else 0 end`,
        endedRefused: sql`case when ${isBlocked} then ${t.endedRefused} else ${t.refused} end`,
        reservation: sql`case when ${isBlocked} then ${t.reservation} else ${nonce} end`,
      },
    })
    .returning({
      isReserved: sql<boolean>`${t.reservation} is not distinct from ${nonce}`,
      failures: t.failures,
      refused: t.refused,
      endedRefused: t.endedRefused,
      blockedUntil: t.blockedUntil,
    })
  if (!row) throw new Error('upsert returned no row')
  return { key, ...row, isReserved: row.isReserved === true || String(row.isReserved) === 't' }
}

/** Gives back one charged attempt (it succeeded, or another key turned it away before hashing). */
export async function releaseAttempt(ex: Executor, key: ThrottleKey): Promise<void> {
  await ex
    .update(t)
    .set({
      failures: sql`greatest(${t.failures} - 1, 0)`,
      blockedUntil: sql`case when ${t.failures} - 1 >= ${t.allowance} then ${t.blockedUntil} else null end`,
    })
    .where(eq(t.key, key.key))
}

/** Forgets one key: a successful sign-in clears its (account, address) counter. */
export async function clearKey(ex: Executor, key: ThrottleKey): Promise<void> {
  await ex.delete(t).where(eq(t.key, key.key))
}

/** An admin's unlock: forgets every counter of one account. Returns the keys that were blocked. */
export async function clearAccount(ex: Executor, username: string, now: Date) {
  return ex
    .delete(t)
    .where(eq(t.username, username))
    .returning({ scope: t.scope, address: t.address, blockedUntil: t.blockedUntil, refused: t.refused })
    .then((rows) => rows.filter((r) => (r.blockedUntil && r.blockedUntil > now) || r.refused > 0))
}

/** `"table"."column"`, whatever the query: a select from one table renders its columns unqualified. */
const qualified = (column: AnyPgColumn) =>
  sql`${sql.identifier(getTableName(column.table))}.${sql.identifier(column.name)}`

/**
 * The latest block over an account's own keys (pairs and the ceiling), null when none is active.
 * Both sides of the correlation are qualified: unqualified, `"username" = "username"` compared the
 * throttle table's column with itself, and every user showed the latest block of any account.
 */
export function blockedUntilOf(username: AnyPgColumn, now: Date | Placeholder): SQL<Date | null> {
  const at = now instanceof Date ? now.toISOString() : now
  return sql<Date | null>`(select max(${qualified(t.blockedUntil)}) from ${t} where ${qualified(t.username)} = ${qualified(username)} and ${qualified(t.blockedUntil)} > ${at}::timestamptz)`.mapWith(
    t.blockedUntil,
  )
}

export type EndedBlock = { scope: string; username: string | null; address: string | null; refused: number }

/**
 * Closes the count of every block that has ended with refusals not yet summarised, and deletes
 * counters idle for longer than the window. Returns the summaries to audit.
 */
export async function sweepThrottle(ex: Executor, now: Date): Promise<EndedBlock[]> {
  const ended = await ex
    .update(t)
    .set({ endedRefused: sql`${t.refused}`, refused: 0 })
    .where(and(gt(t.refused, 0), or(isNull(t.blockedUntil), lte(t.blockedUntil, now))))
    .returning({ scope: t.scope, username: t.username, address: t.address, refused: t.endedRefused })
  const staleBefore = new Date(now.getTime() - THROTTLE_POLICY.windowMs)
  await ex
    .delete(t)
    .where(
      and(lt(t.lastFailureAt, staleBefore), eq(t.refused, 0), or(isNull(t.blockedUntil), lte(t.blockedUntil, now))),
    )
  return ended
}
