import { randomUUID } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { getConnInfo } from '@hono/node-server/conninfo'
import { REQUEST_ID_HEADER } from '@tg/contracts'
import type { ErrorEnvelope } from '@tg/contracts'
import type { Logger } from 'pino'
import type { AppEnv } from './context'
import { AppError, UNAVAILABLE_RETRY_AFTER_S, isDatabaseUnavailable, databaseUnavailable } from './errors'
import type { Metrics } from './metrics'
import { SERVER_PATH } from './web'

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/

function clientIpOf(c: Context<AppEnv>, trustProxy: boolean): string | null {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim()
    if (forwarded) return forwarded
  }
  try {
    return getConnInfo(c).remote.address ?? null
  } catch {
    return null
  }
}

/** Request id (accepted from X-Request-Id or made here), client address, per-request logger. */
export function requestContext(log: Logger, trustProxy: boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header(REQUEST_ID_HEADER)
    const requestId = incoming && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID()
    c.set('requestId', requestId)
    c.set('clientIp', clientIpOf(c, trustProxy))
    c.set('log', log.child({ requestId }))
    c.set('principal', undefined)
    c.set('caller', undefined)
    c.header(REQUEST_ID_HEADER, requestId)
    await next()
  }
}

/** One access-log line and the request metrics per request. Logs no headers, query or body. */
export function accessLog(metrics: Metrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const start = performance.now()
    await next()
    const seconds = (performance.now() - start) / 1000
    const route = c.req.routePath === '/*' || !c.req.routePath ? 'unmatched' : c.req.routePath
    metrics.observeRequest({ method: c.req.method, route, status: c.res.status }, seconds)
    const principal = c.var.principal
    c.var.log.info(
      {
        method: c.req.method,
        path: c.req.path,
        route,
        status: c.res.status,
        durationMs: Math.round(seconds * 1000 * 10) / 10,
        actor: principal ? `${principal.kind}:${principal.id}` : undefined,
      },
      'request',
    )
  }
}

/**
 * Responses of the server's own paths (API, probes, metrics) are never stored by a browser or a
 * proxy unless a route says otherwise: sessions, CSRF tokens and new secrets travel in them, and
 * a default is the one way none can be forgotten.
 */
export function noStoreByDefault(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next()
    if (SERVER_PATH.test(c.req.path) && !c.res.headers.has('cache-control'))
      c.res.headers.set('Cache-Control', 'no-store')
  }
}

export function errorResponse(c: Context<AppEnv>, error: AppError): Response {
  const body: ErrorEnvelope = {
    error: {
      code: error.code,
      message: error.message,
      requestId: c.var.requestId ?? 'unknown',
      ...(error.details ? { details: error.details } : {}),
    },
  }
  for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value)
  c.header('Cache-Control', 'no-store') // an error is an answer for now, on every path
  // Every 503 says when to come back (a dependency is down; clients and probes back off).
  if (error.status === 503 && !error.headers?.['Retry-After'])
    c.header('Retry-After', String(UNAVAILABLE_RETRY_AFTER_S))
  return c.json(body, error.status as 400)
}

/** The one error handler: every failure leaves as the error envelope with the request id. */
export function handleError(error: Error, c: Context<AppEnv>): Response {
  if (error instanceof AppError) return errorResponse(c, error)
  if (error instanceof HTTPException) {
    if (error.status === 400)
      return errorResponse(c, new AppError('BAD_REQUEST', error.message || 'Malformed request.'))
    if (error.status === 413)
      return errorResponse(c, new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large.'))
    c.var.log?.warn({ status: error.status, err: error }, 'http exception')
  }
  if (isDatabaseUnavailable(error)) {
    c.var.log?.warn({ err: error }, 'database unavailable')
    return errorResponse(c, databaseUnavailable())
  }
  c.var.log?.error({ err: error }, 'unhandled error')
  return errorResponse(c, new AppError('INTERNAL', 'Unexpected server error. Quote the request id when you report it.'))
}

/** Validation hook of every route: schema failures are 422 with each issue. */
export function validationHook(
  result:
    | { success: true }
    | { success: false; error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> } },
): void {
  if (result.success) return
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }))
  throw new AppError('VALIDATION_FAILED', 'The request is not valid.', { issues })
}
