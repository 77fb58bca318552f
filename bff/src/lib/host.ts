import type { MiddlewareHandler } from 'hono'
import { ANY_HOST_PATHS } from '@tg/contracts'
import type { AppEnv } from './context'
import { AppError } from './errors'

/** Loopback names, answered on any port: the default listen address and local tools. */
export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]']

/**
 * Answers only for the hosts this server is: TG_PUBLIC_URL's, loopback, and TG_ALLOWED_HOSTS
 * (compared by host name, any port). Anything else is 421 MISDIRECTED_REQUEST, so a page whose
 * name was rebound to this server's address (DNS rebinding) cannot use it as its own origin.
 * The operational paths (ANY_HOST_PATHS) answer any host: probes call them by pod address.
 */
export function checkHost(publicUrl: string | undefined, allowedHosts: readonly string[]): MiddlewareHandler<AppEnv> {
  const allowed = new Set([...LOOPBACK_HOSTS, ...allowedHosts])
  if (publicUrl) allowed.add(new URL(publicUrl).hostname)
  return async (c, next) => {
    if (ANY_HOST_PATHS.includes(c.req.path)) return next()
    // The request URL carries the Host header (or the absolute request target that overrides it).
    const { hostname } = new URL(c.req.url)
    if (!allowed.has(hostname))
      throw new AppError(
        'MISDIRECTED_REQUEST',
        `This server does not answer for the host ${hostname}. Use its public address, or add the name to TG_ALLOWED_HOSTS.`,
      )
    await next()
  }
}
