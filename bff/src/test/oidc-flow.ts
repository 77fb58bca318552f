import type { Harness } from './harness'

const CALLBACK_PATH = '/api/v1/auth/oidc/callback'
const ATTEMPT_COOKIE = 'tg_oidc_attempt'
const MAX_HOPS = 10

/** A browser's cookies for one host, enough for the provider's interaction and session cookies. */
function createJar() {
  const cookies = new Map<string, string>()
  return {
    take(res: Response) {
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';')
        const at = pair?.indexOf('=') ?? -1
        if (!pair || at < 0) continue
        const value = pair.slice(at + 1)
        if (value === '' || /max-age=0/i.test(line)) cookies.delete(pair.slice(0, at))
        else cookies.set(pair.slice(0, at), value)
      }
    },
    header: () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
  }
}

export type ProviderAnswer = {
  /** The callback's path and query, as the provider sent the browser back. */
  callbackPath: string
  /** The attempt cookie the console set at the start. */
  attemptCookie: string
}

/**
 * Plays the browser from the console's start route through the provider's login page (as `login`)
 * up to the redirect back to the console, which it does not follow. `tamper` may change the
 * provider URL before the browser goes there (a wrong nonce, say).
 */
export async function signInAtProvider(
  h: Harness,
  login: string,
  options: { redirect?: string; tamper?: (providerUrl: URL) => void } = {},
): Promise<ProviderAnswer> {
  const query = options.redirect ? `?redirect=${encodeURIComponent(options.redirect)}` : ''
  const start = await h.request('GET', `/api/v1/auth/oidc/start${query}`, { headers: { accept: 'text/html' } })
  if (start.status !== 302) throw new Error(`start answered ${start.status}: ${await start.text()}`)
  const attemptCookie = new RegExp(`${ATTEMPT_COOKIE}=([^;]+)`).exec(start.headers.get('set-cookie') ?? '')?.[1]
  if (!attemptCookie) throw new Error('no attempt cookie')
  const url = new URL(start.headers.get('location') ?? '')
  options.tamper?.(url)
  const jar = createJar()
  let next: { url: URL; method: string; body?: string } = { url, method: 'GET' }
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    if (next.url.pathname === CALLBACK_PATH)
      return { callbackPath: `${next.url.pathname}${next.url.search}`, attemptCookie }
    const res = await fetch(next.url, {
      method: next.method,
      redirect: 'manual',
      headers: {
        cookie: jar.header(),
        ...(next.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: next.body,
    })
    jar.take(res)
    const location = res.headers.get('location')
    if (location) next = { url: new URL(location, next.url), method: 'GET' }
    else if (res.status === 200 && next.url.pathname.startsWith('/interaction/'))
      next = { url: next.url, method: 'POST', body: new URLSearchParams({ login, password: 'any' }).toString() }
    else throw new Error(`the provider answered ${res.status} at ${next.url.pathname}: ${await res.text()}`)
  }
  throw new Error(`no redirect to the console after ${MAX_HOPS} hops`)
}

/** Delivers the provider's answer to the console's callback as a browser (HTML) or an API client (JSON). */
export function deliverCallback(
  h: Harness,
  answer: ProviderAnswer,
  options: { as?: 'browser' | 'api'; attemptCookie?: string | null } = {},
) {
  const cookie = options.attemptCookie === null ? undefined : (options.attemptCookie ?? answer.attemptCookie)
  return h.request('GET', answer.callbackPath, {
    headers: {
      accept: options.as === 'api' ? 'application/json' : 'text/html',
      ...(cookie ? { cookie: `${ATTEMPT_COOKIE}=${cookie}` } : {}),
    },
  })
}

/** The session cookie a callback set, or null. */
export const sessionCookieOf = (res: Response) =>
  /tg_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? null
