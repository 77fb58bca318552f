import { OpenAPIHono } from '@hono/zod-openapi'
import { bodyLimit } from 'hono/body-limit'
import { secureHeaders } from 'hono/secure-headers'
import type { Logger } from 'pino'
import { API_VERSION, EVIDENCE_BODY_MAX_BYTES_DEFAULT, uploadPackageRoute } from '@tg/contracts'
import { buildOpenApiDocument } from '@tg/contracts/openapi'
import { DEFAULT_MAX_STREAMS_PER_PRINCIPAL } from './env'
import type { Config } from './env'
import type { Database } from './db/client'
import type { AppEnv } from './lib/context'
import { AppError } from './lib/errors'
import { accessLog, errorResponse, handleError, noStoreByDefault, requestContext } from './lib/http'
import { checkHost } from './lib/host'
import { createMetrics } from './lib/metrics'
import { createStreamLimiter } from './lib/stream-limit'
import { rateLimit } from './lib/rate-limit'
import type { RateLimiter } from './lib/rate-limit-store'
import type { Metrics } from './lib/metrics'
import { createSecretHasher } from './lib/secrets'
import { SERVER_PATH, mountApiDocs, mountConsole } from './lib/web'
import { createAdminRoutes } from './modules/admin/routes'
import { createAdminService } from './modules/admin/service'
import { createAuditRoutes } from './modules/audit/routes'
import { createAuditService } from './modules/audit/service'
import { auditSource } from './modules/audit/live'
import type { AuditConfig } from './modules/audit/service'
import type { Pause } from './modules/auth/attempts'
import { createSealer } from './lib/seal'
import { createOidcRoutes } from './modules/auth/oidc-routes'
import { createAuthRoutes, sessionCookieSetter } from './modules/auth/routes'
import { createAuthService } from './modules/auth/service'
import { CREDENTIAL_CACHE_DEFAULTS, createCredentialCache } from './modules/auth/credential-cache'
import type { CredentialCacheSettings } from './modules/auth/credential-cache'
import { createDashboardRoutes } from './modules/dashboard/routes'
import { createDashboardService } from './modules/dashboard/service'
import { createSystemRoutes } from './modules/system/routes'
import { createSystemService } from './modules/system/service'
import { createLocalBlobStore } from './modules/tgsp/blobs'
import { createS3BlobStore } from './modules/tgsp/blobs-s3'
import type { BlobStore } from './modules/tgsp/blobs'
import { resolveTgspConfig } from './modules/tgsp/config'
import type { TgspSettings } from './modules/tgsp/config'
import { createTgspRoutes } from './modules/tgsp/routes'
import { createReleaseHealthRoutes } from './modules/tgsp/health-routes'
import { createReleaseHealthService } from './modules/tgsp/release-health'
import { createTgspService } from './modules/tgsp/service'
import { createTrainingRoutes } from './modules/training/routes'
import { createTrainingService } from './modules/training/service'
import { createEventBus } from './lib/events'
import { createFedmoeRoutes } from './modules/fedmoe/routes'
import { createFedmoeService } from './modules/fedmoe/service'
import { createIntegrationsRoutes } from './modules/integrations/routes'
import { createIntegrationsService } from './modules/integrations/service'
import { INTEGRATION_DEFAULTS } from './modules/integrations/settings'
import type { IntegrationsSettings } from './modules/integrations/settings'
import type { Lookup } from './modules/integrations/egress'

export type AppConfig = Pick<Config, 'publicUrl' | 'trustProxy' | 'sessionTtlMs' | 'maxJsonBytes' | 'webDist'> &
  Partial<
    Pick<Config, 'allowedHosts' | 'maxStreamsPerPrincipal' | 'fedmoeEvidenceMaxBytes' | 'oidc' | 'localPasswords'>
  >

export type AppDeps = {
  config: AppConfig
  database: Database
  log: Logger
  /** Keys the hashes of session tokens, API keys and setup tokens. */
  sessionSecret: string
  /** Derives the key that seals secrets at rest (audit signing keys). */
  keyMaster: string
  audit: AuditConfig
  tgsp: TgspSettings
  /** The marketplace's blob store; the S3 bucket of tgsp.s3, or the local folder tgsp.blobDir, unless given (tests inject faults). */
  blobs?: BlobStore
  metrics?: Metrics
  /** How a sign-in slowed by its account's failures waits (tests observe it); a timer otherwise. */
  signInPause?: Pause
  /** Request rate limits (lib/rate-limit-store.ts), built on `metrics` by the caller. */
  rateLimiter: RateLimiter
  /** Integrations settings (egress allow list, check and retry timings); the defaults otherwise. */
  integrations?: Partial<IntegrationsSettings>
  /** Name resolution of outgoing requests (tests inject one); the system resolver otherwise. */
  lookup?: Lookup
  /** The in-process cache of resolved sessions and API keys; CREDENTIAL_CACHE_DEFAULTS otherwise. */
  credentialCache?: CredentialCacheSettings
}

/** `fedmoe.ingestEvidence`: POST /api/v1/fedmoe/experts/{expertId}/versions/{versionId}/evidence. */
const EVIDENCE_PATH = /^\/api\/v1\/fedmoe\/experts\/[^/]+\/versions\/[^/]+\/evidence$/

const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  workerSrc: ["'self'", 'blob:'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
}

/**
 * How long a group commit waits for more audited writes on PGlite: its one connection runs each
 * request's reads between batches, so the requests that arrive together reach their writes a
 * little apart (bench/NOTES.md). On PostgreSQL a batch gathers what arrived in the same tick.
 */
export const PGLITE_WRITE_WINDOW_MS = 2
/**
 * How many group commits run at once on PostgreSQL, each on its own pooled connection: their
 * members' statements run in parallel, their appends and COMMITs take turns on the audit head's
 * lock (bench/NOTES.md). PGlite has one connection: one batch at a time.
 */
export const POSTGRES_WRITE_BATCHES = 4

/** Builds the whole BFF: platform middleware, every module's service and routes, the console. */
export function createApp(deps: AppDeps) {
  const { config, database, log } = deps
  const metrics = deps.metrics ?? createMetrics()
  const db = database.db
  const hashSecret = createSecretHasher(Buffer.from(deps.sessionSecret, 'utf8'))

  const sealer = createSealer(deps.keyMaster)
  const audit = createAuditService({
    db,
    sealer,
    config: deps.audit,
    log,
    onIntegrityRun: (run) => metrics.observeAuditIntegrity(run),
    onWriteBatch: (size) => metrics.observeWriteBatch(size),
    writeWindowMs: database.driver === 'pglite' ? PGLITE_WRITE_WINDOW_MS : 0,
    writeBatchesInFlight: database.driver === 'pglite' ? 1 : POSTGRES_WRITE_BATCHES,
  })
  const events = createEventBus(database, (err) => log.warn({ err }, 'event bus error'))
  const credentials = createCredentialCache(deps.credentialCache ?? CREDENTIAL_CACHE_DEFAULTS, events, (err) =>
    log.warn({ err }, 'credential cache off: cannot listen for invalidations'),
  )
  const auth = createAuthService({
    db,
    credentials,
    audit,
    hashSecret,
    sessionTtlMs: config.sessionTtlMs,
    oidc: config.oidc,
    localPasswords: config.localPasswords,
    pause: deps.signInPause,
  })
  const admin = createAdminService({ db, audit, hashSecret, onCredentialsChanged: credentials.invalidate })
  const dashboard = createDashboardService({ db, audit })
  const blobs = deps.blobs ?? (deps.tgsp.s3 ? createS3BlobStore(deps.tgsp.s3) : createLocalBlobStore(deps.tgsp.blobDir))
  const tgsp = createTgspService({ db, audit, blobs, config: resolveTgspConfig(deps.tgsp), log, events })
  const training = createTrainingService({ db, audit, events, hashSecret, packages: tgsp })
  const releaseHealth = createReleaseHealthService({ db, audit, hashSecret, channels: tgsp.channels() })
  const fedmoe = createFedmoeService({ db, audit, events, hashSecret, tgsp })
  const integrations = createIntegrationsService({
    db,
    audit,
    events,
    sealer,
    settings: { ...INTEGRATION_DEFAULTS, ...deps.integrations },
    log,
    lookup: deps.lookup,
  })
  const auditModule = { name: 'audit', label: 'Audit', health: () => audit.health() }
  const system = createSystemService({
    database,
    version: API_VERSION,
    modules: [
      auditModule,
      { name: 'training', label: 'Training', health: () => training.health() },
      { name: 'tgsp', label: 'Marketplace', health: () => tgsp.health() },
      { name: 'fedmoe', label: 'FedMoE', health: () => fedmoe.health() },
      { name: 'integrations', label: 'Integrations', health: () => integrations.health() },
    ],
    auditIntegrity: () => audit.integrity(),
    ...(blobs.kind === 's3' && { objectStore: blobs }),
    rateLimitStore: () => deps.rateLimiter.health(),
  })
  const guard = { auth, publicUrl: config.publicUrl }

  const app = new OpenAPIHono<AppEnv>()
  app.use('*', requestContext(log, config.trustProxy))
  app.use('*', accessLog(metrics))
  app.use('*', noStoreByDefault())
  app.use('*', checkHost(config.publicUrl, config.allowedHosts ?? []))
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: CSP,
      xFrameOptions: 'DENY',
      referrerPolicy: 'strict-origin-when-cross-origin',
      crossOriginEmbedderPolicy: false,
      strictTransportSecurity: config.publicUrl?.startsWith('https:') ? 'max-age=31536000; includeSubDomains' : false,
    }),
  )
  app.use('*', rateLimit(deps.rateLimiter, auth))
  const jsonLimit = bodyLimit({
    maxSize: config.maxJsonBytes,
    onError: () => {
      throw new AppError('PAYLOAD_TOO_LARGE', `The request body is larger than ${config.maxJsonBytes} bytes.`)
    },
  })
  const evidenceMaxBytes = config.fedmoeEvidenceMaxBytes ?? EVIDENCE_BODY_MAX_BYTES_DEFAULT
  const evidenceLimit = bodyLimit({
    maxSize: evidenceMaxBytes,
    onError: () => {
      throw new AppError('PAYLOAD_TOO_LARGE', `The evidence body is larger than ${evidenceMaxBytes} bytes.`)
    },
  })
  // Package uploads stream to disk under their own cap (TG_UPLOAD_MAX_BYTES); FedMoE evidence (thousands of
  // traces) has its own (TG_FEDMOE_EVIDENCE_MAX_BYTES); every other body is JSON under TG_MAX_JSON_BYTES.
  app.use('/api/*', (c, next) => {
    // A read that declares no body has none to limit (over HTTP/1.1 a body needs one of these
    // headers; a fetch Request cannot give GET or HEAD a body at all); bodyLimit would still build
    // the whole fetch Request and its AbortSignal to look, ~2.5% of a list read's CPU (bench/NOTES.md).
    const isRead = c.req.method === 'GET' || c.req.method === 'HEAD'
    if (isRead && !c.req.header('content-length') && !c.req.header('transfer-encoding')) return next()
    if (c.req.method !== 'POST') return jsonLimit(c, next)
    if (c.req.path === uploadPackageRoute.path) return next()
    if (EVIDENCE_PATH.test(c.req.path)) return evidenceLimit(c, next)
    return jsonLimit(c, next)
  })
  app.onError(handleError)
  // A state change has just queued audit records: sequence them (and checkpoint when due) now.
  app.use('/api/*', async (c, next) => {
    await next()
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') audit.kick()
  })

  app.route('/', createSystemRoutes({ system, metrics, guard }))
  const authDeps = { auth, guard, trustProxy: config.trustProxy, sessionTtlMs: config.sessionTtlMs }
  app.route('/', createAuthRoutes(authDeps))
  app.route('/', createOidcRoutes({ ...authDeps, setSessionCookie: sessionCookieSetter(authDeps) }))
  app.route('/', createAdminRoutes({ admin, guard }))
  app.route('/', createDashboardRoutes({ dashboard, guard }))
  const streams = createStreamLimiter(config.maxStreamsPerPrincipal ?? DEFAULT_MAX_STREAMS_PER_PRINCIPAL)
  app.route('/', createAuditRoutes({ audit, guard, streams, live: auditSource(db, events) }))
  app.route('/', createTgspRoutes({ tgsp, guard, streams }))
  app.route('/', createReleaseHealthRoutes({ health: releaseHealth, guard }))
  app.route('/', createTrainingRoutes({ training, guard, streams }))
  app.route('/', createFedmoeRoutes({ fedmoe, guard, streams }))
  app.route('/', createIntegrationsRoutes({ integrations, guard, streams }))
  mountApiDocs(app, buildOpenApiDocument())

  const console = mountConsole(app, config.webDist)
  app.notFound((c) => {
    const page = console.fallback(c)
    if (page) return page
    const what = SERVER_PATH.test(c.req.path) ? 'API route' : 'file'
    return errorResponse(c, new AppError('NOT_FOUND', `No ${what} ${c.req.method} ${c.req.path}.`))
  })

  return {
    app,
    services: {
      auth,
      credentials,
      admin,
      audit,
      dashboard,
      system,
      tgsp,
      releaseHealth,
      training,
      fedmoe,
      integrations,
      events,
    },
    metrics,
  }
}

export type App = ReturnType<typeof createApp>
