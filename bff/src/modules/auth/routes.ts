import type { Context } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import {
  SESSION_COOKIE,
  changePasswordRoute,
  completePasswordResetRoute,
  completeSetupRoute,
  getSessionRoute,
  getSetupStatusRoute,
  signInRoute,
  signOutRoute,
} from '@tg/contracts'
import type { AppEnv, UserPrincipal } from '../../lib/context'
import { AppError } from '../../lib/errors'
import { isHttps } from '../../lib/guard'
import type { GuardOptions } from '../../lib/guard'
import { createRouter } from '../../lib/router'
import { auditContextOf } from '../audit/record'
import type { AuthService, IssuedSession } from './service'

type Deps = { auth: AuthService; guard: GuardOptions; trustProxy: boolean; sessionTtlMs: number }

/** The session cookie: HttpOnly, SameSite=Strict, Secure behind https. */
export function sessionCookieSetter({ guard, trustProxy, sessionTtlMs }: Omit<Deps, 'auth'>) {
  return (c: Context<AppEnv>, session: IssuedSession) =>
    setCookie(c, SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: isHttps(c, guard.publicUrl, trustProxy),
      path: '/',
      maxAge: Math.floor(sessionTtlMs / 1000),
    })
}

function requireUser(c: Context<AppEnv>): UserPrincipal {
  const principal = c.var.principal
  if (principal?.kind !== 'user')
    throw new AppError('FORBIDDEN', 'Sessions and passwords belong to signed-in users; API keys have neither.')
  return principal
}

export function createAuthRoutes({ auth, guard, trustProxy, sessionTtlMs }: Deps) {
  const app = createRouter(guard)

  const setSessionCookie = sessionCookieSetter({ guard, trustProxy, sessionTtlMs })

  app.register(getSetupStatusRoute, async (c) => c.json({ setupRequired: await auth.isSetupRequired() }, 200))

  app.register(completeSetupRoute, async (c) => {
    const session = await auth.completeSetup(auditContextOf(c), c.req.valid('json'), c.req.header('user-agent') ?? null)
    setSessionCookie(c, session)
    return c.json(session.response, 201)
  })

  app.register(signInRoute, async (c) => {
    const session = await auth.signIn(auditContextOf(c), c.req.valid('json'), c.req.header('user-agent') ?? null)
    setSessionCookie(c, session)
    return c.json(session.response, 200)
  })

  app.register(signOutRoute, async (c) => {
    await auth.signOut(auditContextOf(c), requireUser(c))
    deleteCookie(c, SESSION_COOKIE, { path: '/' })
    return c.body(null, 204)
  })

  app.register(changePasswordRoute, async (c) =>
    c.json(await auth.changePassword(auditContextOf(c), requireUser(c), c.req.valid('json')), 200),
  )

  app.register(completePasswordResetRoute, async (c) =>
    c.json(await auth.completePasswordReset(auditContextOf(c), c.req.valid('json')), 200),
  )

  app.register(getSessionRoute, (c) => {
    const { id, username, displayName, roles, session } = requireUser(c)
    return c.json(
      {
        user: { id, username, displayName, roles },
        csrfToken: session.csrfToken,
        expiresAt: session.expiresAt.toISOString(),
      },
      200,
    )
  })

  return app
}
