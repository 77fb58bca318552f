import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import { CSRF_HEADER, SESSION_COOKIE } from '@tg/contracts'
import type { AppRouteConfig } from '@tg/contracts'
import type { ApiKeyPrincipal, AppEnv, Principal, UserPrincipal } from './context'
import { AppError } from './errors'
import { safeEqual } from './secrets'

export interface Authenticator {
  resolveSession(token: string): Promise<UserPrincipal | null>
  resolveApiKey(secret: string): Promise<ApiKeyPrincipal | null>
}

export type GuardOptions = { auth: Authenticator; publicUrl: string | undefined }

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The caller's Origin (or Referer) compared with this server's; null when the browser sent neither. */
function isSameOrigin(c: Context<AppEnv>, publicUrl: string | undefined): boolean | null {
  const claimed = c.req.header('origin') ?? c.req.header('referer')
  if (!claimed) return null
  try {
    const origin = new URL(claimed)
    if (publicUrl && new URL(publicUrl).origin === origin.origin) return true
    return origin.host === new URL(c.req.url).host
  } catch {
    return false
  }
}

async function authenticate(c: Context<AppEnv>, auth: Authenticator): Promise<Principal> {
  const authorization = c.req.header('authorization')
  if (authorization) {
    const [scheme, secret] = authorization.split(' ')
    if (scheme?.toLowerCase() !== 'bearer' || !secret)
      throw new AppError('UNAUTHENTICATED', 'Use `Authorization: Bearer <API key>`.')
    const key = await auth.resolveApiKey(secret)
    if (!key) throw new AppError('UNAUTHENTICATED', 'The API key is not valid, revoked or expired.')
    return key
  }
  const token = getCookie(c, SESSION_COOKIE)
  if (!token) throw new AppError('UNAUTHENTICATED', 'Sign in to continue.')
  const user = await auth.resolveSession(token)
  if (!user) throw new AppError('UNAUTHENTICATED', 'Your session has ended. Sign in again.')
  return user
}

/**
 * Enforces a route's contract before its handler: authentication, the roles of `x-roles`,
 * Origin and CSRF token for cookie sessions on state-changing requests.
 */
export function guard(route: AppRouteConfig, { auth, publicUrl }: GuardOptions): MiddlewareHandler<AppEnv> {
  const access = route['x-roles']
  return async (c, next) => {
    const isUnsafe = !SAFE_METHODS.has(c.req.method)
    if (access === 'public') {
      if (isUnsafe && isSameOrigin(c, publicUrl) === false)
        throw new AppError('CSRF_REJECTED', 'Cross-origin request refused.')
    } else {
      const principal = c.var.caller ?? (await authenticate(c, auth))
      c.set('principal', principal)
      if (principal.kind === 'api_key' && principal.scopeRunId !== null) {
        // A run-scoped agent key: only its own run's agent routes.
        if (!route['x-run-scoped'] || c.req.param('runId') !== principal.scopeRunId)
          throw new AppError('FORBIDDEN', 'This key may only report the rounds of its own training run.', {
            requiredRoles: [...access],
          })
      } else if (principal.kind === 'api_key' && principal.scopeExpertIds !== null) {
        // A FedMoE ingest key: only evidence ingest, for versions of its own families.
        const expertId = c.req.param('expertId')
        if (!route['x-expert-scoped'] || !expertId || !principal.scopeExpertIds.includes(expertId))
          throw new AppError('FORBIDDEN', 'This key may only post evidence for its own expert families.', {
            requiredRoles: [...access],
          })
      } else if (principal.kind === 'api_key' && principal.scopeFleetId !== null) {
        // A fleet agent key: only release health reports, for its own fleet.
        if (!route['x-fleet-scoped'] || c.req.param('fleetId') !== principal.scopeFleetId)
          throw new AppError('FORBIDDEN', 'This key may only report release health on its own fleet.', {
            requiredRoles: [...access],
          })
      } else if (!principal.roles.some((role) => access.includes(role)))
        throw new AppError('FORBIDDEN', 'Your roles do not allow this.', { requiredRoles: [...access] })
      if (principal.kind === 'user' && isUnsafe) {
        if (isSameOrigin(c, publicUrl) !== true) throw new AppError('CSRF_REJECTED', 'Cross-origin request refused.')
        const token = c.req.header(CSRF_HEADER)
        if (!token || !safeEqual(token, principal.session.csrfToken))
          throw new AppError('CSRF_REJECTED', `Missing or wrong ${CSRF_HEADER} header. Reload the page.`)
      }
    }
    await next()
  }
}

export function isHttps(c: Context<AppEnv>, publicUrl: string | undefined, trustProxy: boolean): boolean {
  if (publicUrl) return publicUrl.startsWith('https:')
  if (trustProxy && c.req.header('x-forwarded-proto') === 'https') return true
  return c.req.url.startsWith('https:')
}
