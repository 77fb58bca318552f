import { LRUCache } from 'lru-cache'
import type { EventBus } from '../../lib/events'

/** NOTIFYed by the triggers of migration 0016 when a session, a user or an API key changes. */
export const AUTH_INVALIDATE_CHANNEL = 'tg_auth_invalidate'

export type CredentialCacheSettings = {
  /** How long a resolved credential is reused without asking the database; 0 turns the cache off. */
  ttlMs: number
  /** The most credentials kept (least recently used leave first). */
  max: number
}

export const CREDENTIAL_CACHE_DEFAULTS: CredentialCacheSettings = { ttlMs: 5_000, max: 10_000 }

export interface CredentialCache {
  /**
   * The value cached under `key` while `isLive` holds for it; otherwise `load`'s, cached when it
   * is not null and no invalidation happened while it loaded (a load that raced a change may
   * have read the state before it).
   */
  resolve<V extends object>(
    key: string,
    load: () => Promise<V | null>,
    isLive: (value: V) => boolean,
  ): Promise<V | null>
  /** Forgets every cached credential of this process (after a change to sessions, users or keys commits). */
  invalidate(): void
  /** Resolves once invalidations from other replicas are received (the cache is bypassed until then). */
  readonly ready: Promise<boolean>
}

/**
 * A short-lived in-process cache of resolved sessions and API keys, keyed by the token's HMAC.
 * Changes invalidate it at once: in this process by `invalidate()` after the change commits,
 * and on every replica by the NOTIFY that the database triggers send in the changing
 * transaction (also for changes made by tgctl or by hand). Until this process LISTENs, or when
 * it cannot, nothing is cached: every request asks the database, as without a cache.
 */
export function createCredentialCache(
  settings: CredentialCacheSettings,
  events: EventBus,
  onError: (err: Error) => void,
): CredentialCache {
  const cache = new LRUCache<string, object>({ max: Math.max(settings.max, 1), ttl: Math.max(settings.ttlMs, 1) })
  let generation = 0
  let listening = false
  const invalidate = () => {
    generation++
    cache.clear()
  }
  const ready =
    settings.ttlMs > 0
      ? events.subscribe(AUTH_INVALIDATE_CHANNEL, invalidate).then(
          () => (listening = true),
          (err: Error) => {
            onError(err)
            return false
          },
        )
      : Promise.resolve(false)
  return {
    ready,
    invalidate,
    async resolve<V extends object>(key: string, load: () => Promise<V | null>, isLive: (value: V) => boolean) {
      if (!listening) return load()
      const hit = cache.get(key) as V | undefined
      if (hit && isLive(hit)) return hit
      const before = generation
      const value = await load()
      if (value && before === generation) cache.set(key, value)
      else if (!value) cache.delete(key)
      return value
    },
  }
}
