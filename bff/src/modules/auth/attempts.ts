import { randomUUID } from 'node:crypto'
import type { Db, Executor } from '../../db/client'
import { rateLimited } from '../../lib/errors'
import type { AuditContext, AuditLog } from '../audit/record'
import { SIGN_IN_ACTION } from '../audit/record'
import { accountDelayMs, clearKey, releaseAttempt, reserveAttempt, throttleKeysOf } from './throttle'
import type { EndedBlock, Reservation, ThrottleKey } from './throttle'

export type AttemptSubject = { username: string; clientIp: string | null }

/** Waits `ms` before an attempt's password is checked (tests observe it). */
export type Pause = (ms: number) => Promise<void>
export const pause: Pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** The keys an allowed attempt has charged (`succeed`, or nothing: a failure keeps the charge), and how long it waited. */
export type Attempt = { keys: Record<'address' | 'pair' | 'account', ThrottleKey>; delayedMs: number }

/**
 * Audits a block in bounded form: one entry when its first attempt is turned away, one summary
 * with the count when it has ended (written by the next charged attempt or the sweep).
 */
export async function auditBlock(
  tx: Executor,
  audit: AuditLog,
  ctx: AuditContext,
  block: EndedBlock & { phase: 'started' | 'ended'; blockedUntil?: Date | null },
): Promise<void> {
  const isAddress = block.scope === 'address'
  await audit.record(tx, ctx, {
    action: SIGN_IN_ACTION,
    resourceType: isAddress ? 'client_address' : 'user',
    resourceId: isAddress ? block.address : block.username,
    outcome: 'denied',
    details: {
      ...(isAddress ? {} : { username: block.username }),
      reason: 'throttled',
      scope: block.scope,
      phase: block.phase,
      address: block.address,
      refused: block.refused,
      ...(block.blockedUntil ? { blockedUntil: block.blockedUntil.toISOString() } : {}),
    },
  })
}

async function auditReservation(tx: Executor, audit: AuditLog, ctx: AuditContext, r: Reservation) {
  const { scope, username, address } = r.key
  if (!r.isReserved && r.refused === 1)
    await auditBlock(tx, audit, ctx, {
      scope,
      username,
      address,
      refused: 1,
      phase: 'started',
      blockedUntil: r.blockedUntil,
    })
  if (r.isReserved && r.endedRefused > 0)
    await auditBlock(tx, audit, ctx, { scope, username, address, refused: r.endedRefused, phase: 'ended' })
}

/**
 * Charges an attempt to the address and the (account, address) pair, then to the account, before
 * any password is hashed. A blocked address or pair turns the attempt away (429) and gives back
 * what the earlier key was charged, in one transaction with the audit of the block. The account
 * never blocks: past its allowance the attempt waits (`accountDelayMs`) and then goes on.
 */
export async function beginAttempt(
  db: Db,
  audit: AuditLog,
  ctx: AuditContext,
  subject: AttemptSubject,
  wait: Pause = pause,
) {
  const now = new Date()
  const nonce = randomUUID()
  const keys = throttleKeysOf(subject.username, subject.clientIp)
  const outcome = await db.transaction(async (tx) => {
    const charged: ThrottleKey[] = []
    for (const key of [keys.address, keys.pair]) {
      const r = await reserveAttempt(tx, key, now, nonce)
      await auditReservation(tx, audit, ctx, r)
      if (!r.isReserved) {
        for (const done of charged) await releaseAttempt(tx, done)
        return { blockedMs: Math.max((r.blockedUntil?.getTime() ?? now.getTime()) - now.getTime(), 1000) }
      }
      charged.push(key)
    }
    const account = await reserveAttempt(tx, keys.account, now, nonce, true)
    return { blockedMs: 0, delayMs: accountDelayMs(account.failures) }
  })
  if (outcome.blockedMs > 0)
    throw rateLimited(outcome.blockedMs / 1000, 'Too many failed sign-ins. Wait before trying again.')
  const delayedMs = outcome.delayMs ?? 0
  if (delayedMs > 0) await wait(delayedMs)
  return { keys, delayedMs } satisfies Attempt
}

/** A correct password: the pair's counter is cleared, the address and account get their charge back. */
export async function succeedAttempt(tx: Executor, attempt: Attempt): Promise<void> {
  await clearKey(tx, attempt.keys.pair)
  await releaseAttempt(tx, attempt.keys.address)
  await releaseAttempt(tx, attempt.keys.account)
}
