import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { completeOidcSignInRoute, getSignInOptionsRoute, startOidcSignInRoute } from '@tg/contracts'
import type { AppEnv } from '../../lib/context'
import { AppError } from '../../lib/errors'
import { isHttps } from '../../lib/guard'
import type { GuardOptions } from '../../lib/guard'
import { createRouter } from '../../lib/router'
import { auditContextOf } from '../audit/record'
import { OIDC_ATTEMPT_TTL_MS } from './oidc/attempts'
import type { AuthService, IssuedSession } from './service'

type Deps = {
  auth: AuthService
  guard: GuardOptions
  trustProxy: boolean
  setSessionCookie: (c: Context<AppEnv>, session: IssuedSession) => void
}

/** The attempt cookie: Lax, because the provider sends the browser back with a cross-site navigation. */
export const OIDC_ATTEMPT_COOKIE = 'tg_oidc_attempt'
const ATTEMPT_COOKIE_PATH = '/api/v1/auth/oidc'

/** A path of this console to return to; anything that could leave it (or loop) becomes `/`. */
export function safeRedirectOf(value: string | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/'
  const base = 'http://console.invalid'
  const url = URL.parse(value, base)
  if (!url || url.origin !== base || [...value].some((ch) => ch.charCodeAt(0) < 0x20)) return '/'
  const path = `${url.pathname}${url.search}${url.hash}`
  return path.startsWith('/sign-in') || path.startsWith('/api/') ? '/' : path
}

/** A browser navigation (the console's button, the provider's redirect) rather than an API client. */
const wantsJson = (c: Context<AppEnv>) => {
  const accept = c.req.header('accept') ?? ''
  return accept.includes('application/json') && !accept.includes('text/html')
}

/** A browser is sent to the sign-in page with the reason; an API client gets the error envelope. */
function refuse(c: Context<AppEnv>, err: unknown, redirect?: string) {
  if (!(err instanceof AppError) || wantsJson(c)) throw err
  const reason = err.code === 'UPSTREAM_UNAVAILABLE' ? 'provider_unavailable' : err.details?.reason
  if (typeof reason !== 'string') throw err
  const query = new URLSearchParams({ error: reason })
  if (redirect && redirect !== '/') query.set('redirect', redirect)
  return c.redirect(`/sign-in?${query.toString()}`, 302)
}

export function createOidcRoutes({ auth, guard, trustProxy, setSessionCookie }: Deps) {
  const app = createRouter(guard)

  app.register(getSignInOptionsRoute, (c) => c.json(auth.signInOptions(), 200))

  app.register(startOidcSignInRoute, async (c) => {
    const redirect = safeRedirectOf(c.req.valid('query').redirect)
    try {
      const { providerUrl, bindingToken } = await auth.startOidc(redirect)
      setCookie(c, OIDC_ATTEMPT_COOKIE, bindingToken, {
        httpOnly: true,
        sameSite: 'Lax',
        secure: isHttps(c, guard.publicUrl, trustProxy),
        path: ATTEMPT_COOKIE_PATH,
        maxAge: Math.floor(OIDC_ATTEMPT_TTL_MS / 1000),
      })
      return c.redirect(providerUrl.href, 302)
    } catch (err) {
      return refuse(c, err, redirect)
    }
  })

  app.register(completeOidcSignInRoute, async (c) => {
    const bindingToken = getCookie(c, OIDC_ATTEMPT_COOKIE)
    deleteCookie(c, OIDC_ATTEMPT_COOKIE, { path: ATTEMPT_COOKIE_PATH })
    const search = new URL(c.req.url).search
    try {
      const { session, redirect } = await auth.completeOidc(
        auditContextOf(c),
        { search, bindingToken },
        c.req.header('user-agent') ?? null,
      )
      setSessionCookie(c, session)
      return c.redirect(redirect, 302)
    } catch (err) {
      return refuse(c, err)
    }
  })

  return app
}
