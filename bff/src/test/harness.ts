import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { asc } from 'drizzle-orm'
import pg from 'pg'
import type { AuditEntryBody } from '@tg/contracts/formats/audit'
import { CSRF_HEADER, SESSION_COOKIE } from '@tg/contracts'
import type { Role } from '@tg/contracts'
import { createApp } from '../app'
import type { AppConfig } from '../app'
import { createDatabase } from '../db/client'
import { PGLITE_TEMPLATE_ENV } from './pglite-template.global'
import type { Database, DatabaseTarget } from '../db/client'
import { auditLog } from '../db/schema'
import { createLogger } from '../lib/logger'
import { createMetrics } from '../lib/metrics'
import { createRateLimiter } from '../lib/rate-limit-store'
import type { RateLimitSettings } from '../lib/rate-limit-store'
import type { AuditConfig } from '../modules/audit/service'
import type { CredentialCacheSettings } from '../modules/auth/credential-cache'
import { SYSTEM_ACTOR } from '../modules/audit/record'
import type { BlobStore } from '../modules/tgsp/blobs'
import type { TgspConfig } from '../modules/tgsp/service'
import type { IntegrationsSettings } from '../modules/integrations/settings'

export const ORIGIN = 'http://localhost'
export const TEST_PASSWORD = 'correct horse battery staple'
export const SESSION_SECRET = 'test-session-secret-0123456789abcdef'
export const KEY_MASTER = 'test-key-master-0123456789abcdef-0123456789'

export type Harness = Awaited<ReturnType<typeof createHarness>>
export type Caller = { cookie?: string; csrf?: string; bearer?: string }
export type RequestOptions = Caller & {
  body?: unknown
  rawBody?: string | Uint8Array
  headers?: Record<string, string>
}

/** Request limits of the harness: counted in memory, never reached by a test that does not lower them. */
export const UNREACHED_RATE_LIMITS: RateLimitSettings = {
  addressPerMinute: 1_000_000,
  principalPerMinute: 1_000_000,
  isDisabled: false,
  redisUrl: undefined,
  databaseUrl: undefined,
  timeoutMs: 5000,
}

/** Collects every log line the app writes. */
export function createLogCapture() {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'))
      done()
    },
  })
  return { lines, log: createLogger('trace', stream), text: () => lines.join('') }
}

let template: Blob | undefined
/**
 * The migrated database of this run's global setup (`pglite-template.global.ts`), read once per
 * worker; undefined where no setup made one (a harness then makes and migrates its own).
 */
function pgliteTemplate(): Blob | undefined {
  const file = process.env[PGLITE_TEMPLATE_ENV]
  if (!file || !existsSync(file)) return undefined
  template ??= new Blob([readFileSync(file)])
  return template
}

/** The real app on a fresh database (embedded in-memory PGlite unless a target is given). */
export async function createHarness(
  options: {
    target?: DatabaseTarget
    config?: Partial<AppConfig>
    audit?: Partial<AuditConfig>
    tgsp?: Partial<TgspConfig>
    /** Builds the blob store on the harness's blob folder (fault injection); a local folder otherwise. */
    blobs?: (blobDir: string) => BlobStore
    initializeAudit?: boolean
    integrations?: Partial<IntegrationsSettings>
    keyMaster?: string
    /** Request rate limits; in memory with limits no test reaches unless it says otherwise. */
    rateLimit?: Partial<RateLimitSettings>
    /** Observes the waits of slowed sign-ins instead of sleeping them. */
    signInPause?: (ms: number) => Promise<void>
    /** The cache of resolved sessions and keys; the app's defaults otherwise. */
    credentialCache?: CredentialCacheSettings
  } = {},
) {
  const blobDir = options.tgsp?.blobDir ?? mkdtempSync(join(tmpdir(), 'tg-blobs-'))
  const target = options.target ?? { kind: 'pglite', dir: 'memory://' }
  const database = createDatabase(target, {
    pgliteDataDir: target.kind === 'pglite' && target.dir === 'memory://' ? pgliteTemplate() : undefined,
  })
  await database.migrate()
  const logs = createLogCapture()
  const config: AppConfig = {
    publicUrl: undefined,
    trustProxy: false,
    sessionTtlMs: 3600_000,
    maxJsonBytes: 64 * 1024,
    webDist: '/nonexistent-web-dist',
    ...options.config,
  }
  const metrics = createMetrics()
  const rateLimiter = createRateLimiter({ ...UNREACHED_RATE_LIMITS, ...options.rateLimit }, { log: logs.log, metrics })
  await rateLimiter.start()
  const built = createApp({
    config,
    database,
    log: logs.log,
    metrics,
    rateLimiter,
    signInPause: options.signInPause,
    sessionSecret: SESSION_SECRET,
    keyMaster: options.keyMaster ?? KEY_MASTER,
    audit: {
      origin: 'test.example/audit',
      checkpointEvery: 1000,
      checkpointIntervalMs: 3600_000,
      pinnedKeys: [],
      selfCheckIntervalMs: 3600_000,
      selfCheckFullIntervalMs: 3600_000,
      ...options.audit,
    },
    tgsp: {
      maxUploadBytes: 64 * 1024 * 1024,
      channels: ['canary', 'stable'],
      minFreeBytes: 0,
      ...options.tgsp,
      blobDir,
    },
    blobs: options.blobs?.(blobDir),
    integrations: options.integrations,
    credentialCache: options.credentialCache,
  })
  const { app, services } = built
  if (options.initializeAudit !== false) await services.audit.initialize()

  /** Every sequenced audit entry, oldest first, after sequencing what is queued. */
  async function auditEntries() {
    await services.audit.drain()
    const rows = await database.db.select().from(auditLog).orderBy(asc(auditLog.seq))
    return rows.map((row) => ({ ...row, body: JSON.parse(row.canonical) as AuditEntryBody }))
  }

  async function request(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...opts.headers }
    if (opts.cookie) headers.cookie = `${SESSION_COOKIE}=${opts.cookie}`
    if (opts.csrf) headers[CSRF_HEADER] = opts.csrf
    if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`
    if (method !== 'GET' && method !== 'HEAD' && !('origin' in headers)) headers.origin = ORIGIN
    let body: string | Uint8Array | undefined = opts.rawBody
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body)
      headers['content-type'] ??= 'application/json'
    }
    return app.request(`${ORIGIN}${path}`, { method, headers, body })
  }

  async function createUser(username: string, roles: Role[]) {
    const ctx = { actor: SYSTEM_ACTOR, requestId: null, clientIp: null }
    return services.admin.createUser(ctx, { username, displayName: username, password: TEST_PASSWORD, roles })
  }

  /** Signs in through the API and returns the session cookie value and CSRF token. */
  async function signIn(
    username: string,
    password = TEST_PASSWORD,
  ): Promise<Required<Pick<Caller, 'cookie' | 'csrf'>>> {
    const res = await request('POST', '/api/v1/auth/sign-in', { body: { username, password } })
    if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`)
    const cookie = /tg_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1]
    const { csrfToken } = (await res.json()) as { csrfToken: string }
    if (!cookie) throw new Error('no session cookie')
    return { cookie, csrf: csrfToken }
  }

  async function userSession(username: string, roles: Role[]) {
    await createUser(username, roles)
    return signIn(username)
  }

  async function apiKey(roles: Role[], name = 'test key') {
    const ctx = { actor: SYSTEM_ACTOR, requestId: null, clientIp: null }
    return (await services.admin.createApiKey(ctx, { name, roles })).secret
  }

  return {
    app,
    services,
    database,
    logs,
    request,
    createUser,
    signIn,
    userSession,
    apiKey,
    auditEntries,
    blobDir,
    close: async () => {
      await rateLimiter.close()
      await database.close()
    },
  }
}

export async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T
}

export type ErrorBody = {
  error: { code: string; message: string; requestId: string; details?: Record<string, unknown> }
}

const POSTGRES_ADMIN_URL = process.env.TG_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/**
 * A database of its own on the local PostgreSQL, dropped afterwards. Null (with the reason)
 * when no PostgreSQL server answers, so the suite still passes on a machine without one.
 */
export async function createPostgresDatabase(): Promise<
  { target: DatabaseTarget; drop: () => Promise<void> } | { skip: string }
> {
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2000 })
  try {
    await admin.connect()
  } catch (err) {
    return { skip: `PostgreSQL not reachable at ${POSTGRES_ADMIN_URL} (${(err as Error).message})` }
  }
  const name = `tg_test_${process.pid}_${Date.now().toString(36)}`
  await admin.query(`create database ${name}`)
  const url = new URL(POSTGRES_ADMIN_URL)
  url.pathname = `/${name}`
  return {
    target: { kind: 'postgres', url: url.toString() },
    drop: async () => {
      await admin.query(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
  }
}

export type { Database }
