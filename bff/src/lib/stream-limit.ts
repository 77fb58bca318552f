import type { Principal } from './context'
import { rateLimited } from './errors'

/**
 * A stream dropped without a clean close is noticed at the next heartbeat write (15 s), so a
 * client refused for holding too many may retry after that.
 */
export const STREAM_RETRY_AFTER_S = 15

export interface StreamLimiter {
  /** Counts one more live stream for the principal, or throws 429; the function releases it (idempotent). */
  acquire(principal: Principal | undefined): () => void
}

const keyOf = (principal: Principal | undefined) => (principal ? `${principal.kind}:${principal.id}` : 'anonymous')

/**
 * Caps the live event streams each user or API key holds in this process: each holds a socket,
 * a subscription and a heartbeat timer, and one principal must not be able to use them all.
 */
export function createStreamLimiter(maxPerPrincipal: number): StreamLimiter {
  const open = new Map<string, number>()
  return {
    acquire(principal) {
      const key = keyOf(principal)
      const count = open.get(key) ?? 0
      if (count >= maxPerPrincipal)
        throw rateLimited(
          STREAM_RETRY_AFTER_S,
          `At most ${maxPerPrincipal} live event streams per user or API key; close one (another tab?) and retry.`,
        )
      open.set(key, count + 1)
      let isReleased = false
      return () => {
        if (isReleased) return
        isReleased = true
        const left = (open.get(key) ?? 1) - 1
        if (left > 0) open.set(key, left)
        else open.delete(key)
      }
    },
  }
}
