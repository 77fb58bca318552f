import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import { SESSION_COOKIE } from '@tg/contracts'
import type { AppEnv, Principal } from './context'
import { rateLimited } from './errors'
import type { Authenticator } from './guard'
import type { RateLimiter } from './rate-limit-store'

/** The caller a request's credentials name, or null when it has none or they are not valid. */
async function identify(c: Context<AppEnv>, auth: Authenticator): Promise<Principal | null> {
  const authorization = c.req.header('authorization')
  if (authorization) {
    const [scheme, secret] = authorization.split(' ')
    return scheme?.toLowerCase() === 'bearer' && secret ? auth.resolveApiKey(secret) : null
  }
  const token = getCookie(c, SESSION_COOKIE)
  return token ? auth.resolveSession(token) : null
}

/**
 * Request rate limits of the API (`/api/*`; the console's static files and the probes
 * `/healthz`, `/readyz`, `/metrics` are exempt): per user or API key when the request carries
 * valid credentials, per client address otherwise. The credentials are resolved once here and
 * the route's guard reuses the result. Over the limit: 429 `RATE_LIMITED` with Retry-After.
 */
export function rateLimit(limiter: RateLimiter, auth: Authenticator): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (limiter.store === 'disabled' || !c.req.path.startsWith('/api/')) return next()
    const caller = await identify(c, auth)
    c.set('caller', caller)
    const decision = caller
      ? await limiter.consume('principal', `${caller.kind}:${caller.id}`)
      : await limiter.consume('address', c.var.clientIp ?? 'unknown')
    if (!decision.isAllowed)
      throw rateLimited(
        decision.retryAfterMs / 1000,
        caller
          ? 'Too many requests for this user or API key. Wait before trying again.'
          : 'Too many requests from this address. Wait before trying again.',
      )
    await next()
  }
}
