import { eq, lte } from 'drizzle-orm'
import type { Db } from '../../../db/client'
import { oidcAttempts } from '../../../db/schema'
import { randomToken } from '../../../lib/secrets'
import type { AttemptChecks } from './provider-client'

/** How long a browser has between the start and the callback. */
export const OIDC_ATTEMPT_TTL_MS = 10 * 60_000

export type StoredAttempt = AttemptChecks & { redirect: string }

/**
 * Keeps an attempt's checks server-side (every replica sees them) under the HMAC of a random
 * token that only this browser's attempt cookie holds; forgets expired attempts on the way.
 */
export async function saveAttempt(
  db: Db,
  hashSecret: (s: string) => string,
  attempt: StoredAttempt,
  now = new Date(),
): Promise<string> {
  const bindingToken = randomToken(32)
  await db.transaction(async (tx) => {
    await tx.delete(oidcAttempts).where(lte(oidcAttempts.expiresAt, now))
    await tx.insert(oidcAttempts).values({
      bindingHash: hashSecret(bindingToken),
      ...attempt,
      expiresAt: new Date(now.getTime() + OIDC_ATTEMPT_TTL_MS),
    })
  })
  return bindingToken
}

/** Takes the attempt of this browser's cookie, once: a replayed callback finds nothing. */
export async function takeAttempt(
  db: Db,
  hashSecret: (s: string) => string,
  bindingToken: string,
  now = new Date(),
): Promise<StoredAttempt | null> {
  const [row] = await db
    .delete(oidcAttempts)
    .where(eq(oidcAttempts.bindingHash, hashSecret(bindingToken)))
    .returning()
  if (!row || row.expiresAt <= now) return null
  return { state: row.state, nonce: row.nonce, codeVerifier: row.codeVerifier, redirect: row.redirect }
}
