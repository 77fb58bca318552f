import type { Role } from '@tg/contracts'

export const ADMIN = { username: 'admin', displayName: 'Ada Admin', password: 'correct horse battery staple' }

export type Session = { cookie: string; csrf: string }

/** Calls the real API the way a browser does (same Origin, session cookie, CSRF token). */
async function call(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  session?: Session,
): Promise<Response> {
  const headers: Record<string, string> = { origin: baseUrl }
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (session) {
    headers.cookie = `tg_session=${session.cookie}`
    headers['x-csrf-token'] = session.csrf
  }
  return fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
}

async function sessionFrom(res: Response): Promise<Session> {
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`)
  const cookie = /tg_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1]
  const { csrfToken } = (await res.json()) as { csrfToken: string }
  if (!cookie) throw new Error('no session cookie')
  return { cookie, csrf: csrfToken }
}

/** Creates the first admin through the setup link (for specs that do not test setup itself). */
export async function completeSetup(baseUrl: string, setupUrl: string): Promise<Session> {
  const token = new URL(setupUrl).hash.replace('#token=', '')
  return sessionFrom(await call(baseUrl, 'POST', '/api/v1/auth/setup', { token, ...ADMIN }))
}

export async function signInApi(baseUrl: string, username: string, password: string): Promise<Session> {
  return sessionFrom(await call(baseUrl, 'POST', '/api/v1/auth/sign-in', { username, password }))
}

export async function createUser(baseUrl: string, admin: Session, username: string, roles: Role[]): Promise<void> {
  const res = await call(
    baseUrl,
    'POST',
    '/api/v1/admin/users',
    { username, displayName: username, password: ADMIN.password, roles },
    admin,
  )
  if (res.status !== 201) throw new Error(`create user: ${res.status} ${await res.text()}`)
}

export async function createApiKey(baseUrl: string, admin: Session, name: string, roles: Role[]): Promise<string> {
  const res = await call(baseUrl, 'POST', '/api/v1/admin/api-keys', { name, roles }, admin)
  if (res.status !== 201) throw new Error(`create key: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { secret: string }).secret
}

/** Signs in through the API and returns the status only (for counting refusals). */
export async function signInStatus(baseUrl: string, username: string, password: string): Promise<number> {
  return (await call(baseUrl, 'POST', '/api/v1/auth/sign-in', { username, password })).status
}

/** Whether a session (from signInApi) still works. */
export async function sessionStatus(baseUrl: string, session: Session): Promise<number> {
  return (await call(baseUrl, 'GET', '/api/v1/auth/session', undefined, session)).status
}
