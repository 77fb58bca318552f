import { createRequire } from 'node:module'
import type * as Undici from 'undici'
import type { Dispatcher, buildConnector } from 'undici'
import { EgressError, egressFailureOf } from './errors'
import { checkTarget, pinnedLookup, systemLookup } from './resolve'
import type { CheckedTarget, Lookup } from './resolve'
import type { EgressPolicy } from './policy'

/** undici loads on the first egress request only: a server without integrations never carries it (~6 MB). */
const undici = () => createRequire(import.meta.url)('undici') as typeof Undici

export type EgressDeps = {
  policy: EgressPolicy
  lookup?: Lookup
  /** Called right before a socket is opened (tests prove refusals happen before any). */
  onConnect?: (target: CheckedTarget) => void
}

export type EgressRequest = {
  method?: 'GET' | 'HEAD' | 'POST'
  headers?: Record<string, string>
  body?: string
  /** Whole request, redirects included. */
  timeoutMs: number
  /** Redirects followed (each one checked again); 0 returns the 3xx itself. */
  maxRedirects?: number
}

export type EgressResponse = {
  status: number
  headers: Record<string, string>
  body: Buffer
  /** The URL that answered (after redirects). */
  url: string
  redirects: number
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])
const HTTP_PROTOCOLS = ['http:', 'https:'] as const

/**
 * The only way the server sends an HTTP request to an address given by a user: every hop is
 * checked by the guard, connected to the address the guard resolved, capped in size and time.
 */
export async function egressFetch(rawUrl: string, req: EgressRequest, deps: EgressDeps): Promise<EgressResponse> {
  const lookup = deps.lookup ?? systemLookup
  const signal = AbortSignal.timeout(req.timeoutMs)
  const maxRedirects = req.maxRedirects ?? 5
  let method = req.method ?? 'GET'
  let body = req.body
  let headers = { ...(req.headers ?? {}) }
  let current = rawUrl
  for (let redirects = 0; ; redirects++) {
    const target = await withSignal(checkTarget(current, deps.policy, lookup, HTTP_PROTOCOLS), signal, current)
    const res = await send(target, { method, headers, body, signal, timeoutMs: req.timeoutMs }, deps)
    const location = res.headers['location']
    if (!REDIRECTS.has(res.status) || !location || maxRedirects === 0)
      return { ...res, url: target.url.href, redirects }
    if (redirects >= maxRedirects)
      throw new EgressError('bad_response', `more than ${maxRedirects} redirects from ${target.host}`)
    const next = new URL(location, target.url)
    if (next.origin !== target.url.origin) {
      // Credentials are for the origin they were given for, never for where it redirects.
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^(authorization|cookie)$/i.test(k)))
    }
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
      method = method === 'HEAD' ? 'HEAD' : 'GET'
      body = undefined
    }
    current = next.href
  }
}

async function withSignal<T>(p: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) throw new EgressError('timeout', `${what} did not answer in time`)
  return await new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new EgressError('timeout', `${what} did not answer in time`))
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

async function send(
  target: CheckedTarget,
  r: {
    method: string
    headers: Record<string, string>
    body: string | undefined
    signal: AbortSignal
    timeoutMs: number
  },
  deps: EgressDeps,
): Promise<Omit<EgressResponse, 'url' | 'redirects'>> {
  const { Agent, buildConnector, request } = undici()
  const base = buildConnector({ timeout: r.timeoutMs, lookup: pinnedLookup(target) } as buildConnector.BuildOptions)
  const connector: buildConnector.connector = (opts, cb) => {
    deps.onConnect?.(target)
    base(opts, cb)
  }
  const agent = new Agent({ connect: connector, connections: 1, pipelining: 0 })
  const what = target.host
  try {
    const res = await request(target.url, {
      dispatcher: agent,
      method: r.method as Dispatcher.HttpMethod,
      headers: r.headers,
      body: r.body,
      signal: r.signal,
      headersTimeout: r.timeoutMs,
      bodyTimeout: r.timeoutMs,
    })
    res.body.on('error', () => {}) // destroying it below is ours; read errors surface from the iterator
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(res.headers))
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v
    const declared = Number(headers['content-length'])
    if (Number.isFinite(declared) && declared > deps.policy.maxBytes) {
      res.body.destroy()
      throw tooLarge(what, deps.policy.maxBytes)
    }
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length
      if (size > deps.policy.maxBytes) {
        res.body.destroy()
        throw tooLarge(what, deps.policy.maxBytes)
      }
      chunks.push(chunk as Buffer)
    }
    return { status: res.statusCode, headers, body: Buffer.concat(chunks) }
  } catch (err) {
    throw egressFailureOf(err, what)
  } finally {
    agent.destroy().catch(() => {})
  }
}

function tooLarge(what: string, max: number) {
  return new EgressError('bad_response', `the answer from ${what} is larger than ${max} bytes`)
}
