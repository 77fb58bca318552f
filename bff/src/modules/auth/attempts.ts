import { randomUUID } from 'node:crypto'
import type { Db, Executor } from '../../db/client'
import { rateLimited } from '../../lib/errors'
import type { AuditContext, AuditLog } from '../audit/record'
import { SIGN_IN_ACTION } from '../audit/record'
import { clearKey, releaseAttempt, reserveAttempt, throttleKeysOf } from './throttle'
import type { EndedBlock, Reservation, ThrottleKey } from './throttle'

export type AttemptSubject = {
  username: string
  clientIp: string | null
  /** Active admins pass the account-wide ceiling from an address that has not failed for them. */
  isActiveAdmin: boolean
}

/** The keys an allowed attempt has charged: `succeed` or nothing (a failure keeps the charge). */
export type Attempt = { keys: Record<'address' | 'pair' | 'account', ThrottleKey> }

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
 * Charges an attempt to the address, the (account, address) pair and the account, in that order,
 * before any password is hashed. A blocked key turns the attempt away (429) and gives back what
 * the earlier keys were charged, all in one transaction with the audit of the block.
 */
export async function beginAttempt(db: Db, audit: AuditLog, ctx: AuditContext, subject: AttemptSubject) {
  const now = new Date()
  const nonce = randomUUID()
  const keys = throttleKeysOf(subject.username, subject.clientIp)
  const waitMs = await db.transaction(async (tx) => {
    const charged: ThrottleKey[] = []
    let pairFailures = 0
    for (const key of [keys.address, keys.pair, keys.account]) {
      const passesCeiling = key.scope === 'account' && subject.isActiveAdmin && pairFailures === 1
      const r = await reserveAttempt(tx, key, now, nonce, passesCeiling)
      await auditReservation(tx, audit, ctx, r)
      if (!r.isReserved) {
        for (const done of charged) await releaseAttempt(tx, done)
        return Math.max((r.blockedUntil?.getTime() ?? now.getTime()) - now.getTime(), 1000)
      }
      if (key.scope === 'pair') pairFailures = r.failures
      charged.push(key)
    }
    return 0
  })
  if (waitMs > 0) throw rateLimited(waitMs / 1000, 'Too many failed sign-ins. Wait before trying again.')
  return { keys } satisfies Attempt
}

/** A correct password: the pair's counter is cleared, the address and account get their charge back. */
export async function succeedAttempt(tx: Executor, attempt: Attempt): Promise<void> {
  await clearKey(tx, attempt.keys.pair)
  await releaseAttempt(tx, attempt.keys.address)
  await releaseAttempt(tx, attempt.keys.account)
}
