import { isAbsolute, resolve } from 'node:path'
import { z } from 'zod'
import type { Role } from '@tg/contracts'
import { parseVerifierKey } from '@tg/contracts/formats/audit'
import type { RateLimitSettings } from './lib/rate-limit-store'
import { MIN_FREE_BYTES, UPLOAD_IDLE_TIMEOUT_S } from './modules/tgsp/config'
import type { TgspSettings } from './modules/tgsp/config'
import { MAX_S3_BLOB_BYTES } from './modules/tgsp/blobs-s3'
import type { S3Settings } from './modules/tgsp/blobs-s3'
import { parseAllowHosts } from './modules/integrations/egress/policy'
import { INTEGRATION_DEFAULTS } from './modules/integrations/settings'
import type { IntegrationsSettings } from './modules/integrations/settings'
import { OIDC_CALLBACK_PATH, parseRoleMap } from './modules/auth/oidc/settings'
import type { OidcSettings } from './modules/auth/oidc/settings'

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .optional()

/** Live event streams one user or API key may hold per process, unless TG_MAX_STREAMS_PER_PRINCIPAL says. */
export const DEFAULT_MAX_STREAMS_PER_PRINCIPAL = 6

/** Requests per minute per client address (no valid credentials) and per user or API key. */
export const DEFAULT_RATE_LIMITS = { addressPerMinute: 600, principalPerMinute: 3000 }

const EnvSchema = z.object({
  TG_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  TG_DATA_DIR: z.string().min(1).optional(),
  DATABASE_URL: z.url().optional(),
  TG_KEY_MASTER: z.string().min(32, 'TG_KEY_MASTER must be at least 32 characters').optional(),
  TG_SESSION_SECRET: z.string().min(32, 'TG_SESSION_SECRET must be at least 32 characters').optional(),
  TG_PUBLIC_URL: z.url().optional(),
  TG_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TG_SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  TG_MAX_JSON_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  TG_FEDMOE_EVIDENCE_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(16 * 1024 * 1024),
  TG_WEB_DIST: z.string().min(1).optional(),
  TG_TRUST_PROXY: bool,
  TG_ALLOWED_HOSTS: z.string().optional(),
  TG_MAX_STREAMS_PER_PRINCIPAL: z.coerce.number().int().min(1).max(1000).default(DEFAULT_MAX_STREAMS_PER_PRINCIPAL),
  TG_LIVE_EVENT_RETENTION_SECONDS: z.coerce.number().int().min(60).max(604_800).default(3600),
  TG_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  TG_DB_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  REDIS_URL: z
    .url()
    .refine((u) => /^rediss?:\/\//.test(u), 'REDIS_URL must be a redis:// or rediss:// URL')
    .optional(),
  TG_RATE_LIMIT_ADDRESS: z.coerce.number().int().min(1).default(DEFAULT_RATE_LIMITS.addressPerMinute),
  TG_RATE_LIMIT_PRINCIPAL: z.coerce.number().int().min(1).default(DEFAULT_RATE_LIMITS.principalPerMinute),
  TG_RATE_LIMIT_DISABLED: bool,
  TG_AUDIT_ORIGIN: z
    .string()
    .regex(/^[^\s+]+$/, 'TG_AUDIT_ORIGIN must have no spaces and no "+"')
    .optional(),
  TG_AUDIT_CHECKPOINT_EVERY: z.coerce.number().int().positive().default(1000),
  TG_AUDIT_CHECKPOINT_INTERVAL_S: z.coerce.number().positive().default(60),
  TG_AUDIT_PINNED_KEYS: z.string().optional(),
  TG_AUDIT_SELFCHECK_INTERVAL_S: z.coerce.number().positive().default(60),
  TG_AUDIT_SELFCHECK_FULL_INTERVAL_S: z.coerce.number().nonnegative().default(86_400),
  TG_BLOB_DIR: z.string().min(1).optional(),
  TG_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'TG_S3_BUCKET must be a bucket name (3-63 of a-z, 0-9, ".", "-")')
    .optional(),
  TG_S3_ENDPOINT: z.url('TG_S3_ENDPOINT must be a URL like http://127.0.0.1:9000').optional(),
  TG_S3_REGION: z.string().min(1).default('us-east-1'),
  TG_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  TG_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  TG_S3_FORCE_PATH_STYLE: bool,
  TG_S3_PREFIX: z
    .string()
    .regex(/^[\w!.*'()/-]*$/, "TG_S3_PREFIX: letters, digits and !-_.*'()/ only")
    .optional(),
  TG_UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(2 * 1024 ** 3),
  TG_UPLOAD_IDLE_TIMEOUT_S: z.coerce.number().positive().max(3600).default(UPLOAD_IDLE_TIMEOUT_S),
  TG_BLOB_MIN_FREE_BYTES: z.coerce.number().int().nonnegative().default(MIN_FREE_BYTES),
  TG_RELEASE_CHANNELS: z
    .string()
    .default('canary,stable')
    .transform((v) => [...new Set(v.split(',').map((c) => c.trim()))].filter(Boolean))
    .pipe(
      z
        .array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'TG_RELEASE_CHANNELS: lowercase names, digits and "-"'))
        .min(1, 'TG_RELEASE_CHANNELS names at least one channel'),
    ),
  TG_EGRESS_ALLOW_HOSTS: z.string().optional(),
  TG_EGRESS_MAX_BYTES: z.coerce.number().int().positive().default(INTEGRATION_DEFAULTS.egress.maxBytes),
  TG_INTEGRATION_CHECK_INTERVAL_S: z.coerce
    .number()
    .positive()
    .default(INTEGRATION_DEFAULTS.checkIntervalMs / 1000),
  TG_INTEGRATION_CHECK_TIMEOUT_MS: z.coerce.number().int().positive().default(INTEGRATION_DEFAULTS.checkTimeoutMs),
  TG_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().positive().default(INTEGRATION_DEFAULTS.retryBaseMs),
  TG_WEBHOOK_RETRY_WINDOW_S: z.coerce
    .number()
    .positive()
    .default(INTEGRATION_DEFAULTS.retryWindowMs / 1000),
  TG_WEBHOOK_DISABLE_AFTER: z.coerce.number().int().min(1).default(INTEGRATION_DEFAULTS.disableAfter),
  TG_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(INTEGRATION_DEFAULTS.deliveryTimeoutMs),
  TG_INTEGRATION_POLL_MS: z.coerce.number().int().positive().default(INTEGRATION_DEFAULTS.pollMs),
  TG_OIDC_ISSUER: z.url().optional(),
  TG_OIDC_CLIENT_ID: z.string().min(1).optional(),
  TG_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  TG_OIDC_SCOPES: z.string().trim().default('openid profile email'),
  TG_OIDC_GROUPS_CLAIM: z.string().trim().min(1).default('groups'),
  TG_OIDC_ROLE_MAP: z.string().optional(),
  TG_OIDC_LOCAL_PASSWORDS: bool,
  TG_OIDC_NAME: z.string().trim().min(1).max(60).default('Single sign-on'),
})

export type RawEnv = z.infer<typeof EnvSchema>

export type Config = {
  env: RawEnv['TG_ENV']
  isProduction: boolean
  host: string
  port: number
  dataDir: string
  database: { kind: 'postgres'; url: string } | { kind: 'pglite'; dir: string }
  keyMaster: string | undefined
  sessionSecret: string | undefined
  publicUrl: string | undefined
  logLevel: RawEnv['TG_LOG_LEVEL']
  sessionTtlMs: number
  maxJsonBytes: number
  /** Largest FedMoE evidence body (its own limit instead of maxJsonBytes: thousands of traces). */
  fedmoeEvidenceMaxBytes: number
  webDist: string
  trustProxy: boolean
  /** Host names answered besides TG_PUBLIC_URL's and loopback (421 for any other). */
  allowedHosts: string[]
  /** Live event streams one user or API key may hold per process. */
  maxStreamsPerPrincipal: number
  /** How long live events stay replayable for a console that reconnects (TG_LIVE_EVENT_RETENTION_SECONDS). */
  liveEventRetentionMs: number
  shutdownTimeoutMs: number
  dbTimeoutMs: number
  /** Request rate limits and where their counters live (see lib/rate-limit-store.ts). */
  rateLimit: RateLimitSettings
  audit: {
    origin: string | undefined
    checkpointEvery: number
    checkpointIntervalMs: number
    pinnedKeys: string[]
    selfCheckIntervalMs: number
    selfCheckFullIntervalMs: number
  }
  tgsp: TgspSettings
  integrations: IntegrationsSettings
  /** Single sign-on; undefined unless TG_OIDC_ISSUER is set. */
  oidc: OidcSettings | undefined
  /** Whether password sign-in is enabled (TG_OIDC_LOCAL_PASSWORDS); `tgctl admin` works either way. */
  localPasswords: boolean
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Parses the environment once at boot. Throws ConfigError naming every problem. */
export function parseConfig(source: Record<string, string | undefined>, cwd = process.cwd()): Config {
  const parsed = EnvSchema.safeParse(source)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`)
  }
  const e = parsed.data
  const isProduction = e.TG_ENV === 'production'
  const dataDir = resolve(cwd, e.TG_DATA_DIR ?? 'data')
  if (isProduction) {
    const missing: string[] = []
    if (!e.TG_KEY_MASTER) missing.push('TG_KEY_MASTER (the master key that seals secrets at rest)')
    if (!e.TG_SESSION_SECRET) missing.push('TG_SESSION_SECRET (keys the hashes of sessions and API keys)')
    if (!e.DATABASE_URL && !(e.TG_DATA_DIR && isAbsolute(e.TG_DATA_DIR)))
      missing.push(
        'a durable database: DATABASE_URL (PostgreSQL), or TG_DATA_DIR as an absolute path on a persistent volume',
      )
    const blobDirIsDurable = e.TG_S3_BUCKET
      ? true
      : e.TG_BLOB_DIR
        ? isAbsolute(e.TG_BLOB_DIR)
        : Boolean(e.TG_DATA_DIR && isAbsolute(e.TG_DATA_DIR))
    if (!blobDirIsDurable)
      missing.push(
        'a durable package store: TG_S3_BUCKET, or TG_BLOB_DIR (or TG_DATA_DIR) as an absolute path on a persistent volume',
      )
    if (missing.length > 0)
      throw new ConfigError(`TG_ENV=production refuses to start without:\n  - ${missing.join('\n  - ')}`)
  }
  const s3 = parseS3(e)
  return {
    env: e.TG_ENV,
    isProduction,
    host: e.HOST,
    port: e.PORT,
    dataDir,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL }
      : { kind: 'pglite', dir: resolve(dataDir, 'pglite') },
    keyMaster: e.TG_KEY_MASTER,
    sessionSecret: e.TG_SESSION_SECRET,
    publicUrl: e.TG_PUBLIC_URL,
    logLevel: e.TG_LOG_LEVEL,
    sessionTtlMs: e.TG_SESSION_TTL_HOURS * 3600_000,
    maxJsonBytes: e.TG_MAX_JSON_BYTES,
    fedmoeEvidenceMaxBytes: e.TG_FEDMOE_EVIDENCE_MAX_BYTES,
    webDist: resolve(cwd, e.TG_WEB_DIST ?? 'web/dist'),
    trustProxy: e.TG_TRUST_PROXY ?? false,
    allowedHosts: parseAllowedHosts(e.TG_ALLOWED_HOSTS),
    maxStreamsPerPrincipal: e.TG_MAX_STREAMS_PER_PRINCIPAL,
    liveEventRetentionMs: e.TG_LIVE_EVENT_RETENTION_SECONDS * 1000,
    shutdownTimeoutMs: e.TG_SHUTDOWN_TIMEOUT_MS,
    dbTimeoutMs: e.TG_DB_TIMEOUT_MS,
    rateLimit: {
      addressPerMinute: e.TG_RATE_LIMIT_ADDRESS,
      principalPerMinute: e.TG_RATE_LIMIT_PRINCIPAL,
      isDisabled: e.TG_RATE_LIMIT_DISABLED ?? false,
      redisUrl: e.REDIS_URL,
      databaseUrl: e.DATABASE_URL,
      timeoutMs: e.TG_DB_TIMEOUT_MS,
    },
    audit: {
      origin: e.TG_AUDIT_ORIGIN,
      checkpointEvery: e.TG_AUDIT_CHECKPOINT_EVERY,
      checkpointIntervalMs: e.TG_AUDIT_CHECKPOINT_INTERVAL_S * 1000,
      pinnedKeys: parsePinnedKeys(e.TG_AUDIT_PINNED_KEYS),
      selfCheckIntervalMs: e.TG_AUDIT_SELFCHECK_INTERVAL_S * 1000,
      selfCheckFullIntervalMs: e.TG_AUDIT_SELFCHECK_FULL_INTERVAL_S * 1000,
    },
    tgsp: {
      blobDir: resolve(cwd, e.TG_BLOB_DIR ?? resolve(dataDir, 'blobs')),
      ...(s3 && { s3 }),
      maxUploadBytes: e.TG_UPLOAD_MAX_BYTES,
      channels: e.TG_RELEASE_CHANNELS,
      uploadIdleTimeoutMs: e.TG_UPLOAD_IDLE_TIMEOUT_S * 1000,
      minFreeBytes: e.TG_BLOB_MIN_FREE_BYTES,
    },
    integrations: {
      egress: { allowHosts: parseEgressAllowHosts(e.TG_EGRESS_ALLOW_HOSTS), maxBytes: e.TG_EGRESS_MAX_BYTES },
      checkIntervalMs: e.TG_INTEGRATION_CHECK_INTERVAL_S * 1000,
      checkTimeoutMs: e.TG_INTEGRATION_CHECK_TIMEOUT_MS,
      retryBaseMs: e.TG_WEBHOOK_RETRY_BASE_MS,
      retryWindowMs: e.TG_WEBHOOK_RETRY_WINDOW_S * 1000,
      disableAfter: e.TG_WEBHOOK_DISABLE_AFTER,
      deliveryTimeoutMs: e.TG_WEBHOOK_TIMEOUT_MS,
      pollMs: e.TG_INTEGRATION_POLL_MS,
    },
    oidc: parseOidc(e),
    localPasswords: e.TG_OIDC_LOCAL_PASSWORDS ?? true,
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** TG_OIDC_*: all-or-nothing around TG_OIDC_ISSUER, with every problem named at start. */
function parseOidc(e: RawEnv): OidcSettings | undefined {
  if (!e.TG_OIDC_ISSUER) {
    if (e.TG_OIDC_LOCAL_PASSWORDS === false)
      throw new ConfigError(
        'TG_OIDC_LOCAL_PASSWORDS=false needs single sign-on (TG_OIDC_ISSUER): nobody could sign in otherwise',
      )
    return undefined
  }
  const problems: string[] = []
  const issuer = new URL(e.TG_OIDC_ISSUER)
  if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && LOOPBACK_HOSTS.has(issuer.hostname)))
    problems.push('TG_OIDC_ISSUER must be an https URL (plain http only on loopback, for tests)')
  if (!e.TG_OIDC_CLIENT_ID) problems.push('TG_OIDC_CLIENT_ID is required with TG_OIDC_ISSUER')
  if (!e.TG_PUBLIC_URL)
    problems.push(
      `TG_PUBLIC_URL is required with TG_OIDC_ISSUER (the redirect URI is TG_PUBLIC_URL${OIDC_CALLBACK_PATH})`,
    )
  if (!e.TG_OIDC_SCOPES.split(/\s+/).includes('openid')) problems.push('TG_OIDC_SCOPES must include openid')
  let roleMap: Map<string, Role[]> = new Map()
  try {
    roleMap = parseRoleMap(e.TG_OIDC_ROLE_MAP ?? '')
  } catch (err) {
    problems.push((err as Error).message)
  }
  if (problems.length > 0) throw new ConfigError(`Invalid single sign-on configuration:\n  ${problems.join('\n  ')}`)
  return {
    issuer: e.TG_OIDC_ISSUER,
    clientId: e.TG_OIDC_CLIENT_ID as string,
    clientSecret: e.TG_OIDC_CLIENT_SECRET,
    scopes: e.TG_OIDC_SCOPES,
    groupsClaim: e.TG_OIDC_GROUPS_CLAIM,
    roleMap,
    name: e.TG_OIDC_NAME,
    redirectUri: `${(e.TG_PUBLIC_URL as string).replace(/\/$/, '')}${OIDC_CALLBACK_PATH}`,
  }
}

/** The S3 settings when TG_S3_BUCKET is set; a ConfigError for other TG_S3_* settings without it, or half a key pair. */
function parseS3(e: RawEnv): S3Settings | undefined {
  if (!e.TG_S3_BUCKET) {
    const stray = (
      ['TG_S3_ENDPOINT', 'TG_S3_ACCESS_KEY_ID', 'TG_S3_SECRET_ACCESS_KEY', 'TG_S3_PREFIX'] as const
    ).filter((name) => e[name] !== undefined)
    if (stray.length > 0)
      throw new ConfigError(`${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} set but TG_S3_BUCKET is not`)
    return undefined
  }
  if (Boolean(e.TG_S3_ACCESS_KEY_ID) !== Boolean(e.TG_S3_SECRET_ACCESS_KEY))
    throw new ConfigError(
      'TG_S3_ACCESS_KEY_ID and TG_S3_SECRET_ACCESS_KEY go together (or neither, for the default AWS credential chain)',
    )
  if (e.TG_UPLOAD_MAX_BYTES > MAX_S3_BLOB_BYTES)
    throw new ConfigError(
      `TG_UPLOAD_MAX_BYTES is ${e.TG_UPLOAD_MAX_BYTES}: with TG_S3_BUCKET it must be at most ${MAX_S3_BLOB_BYTES} (5 GiB, what one CopyObject moves to the content address)`,
    )
  const prefix = (e.TG_S3_PREFIX ?? '').replace(/^\/+|\/+$/g, '')
  return {
    bucket: e.TG_S3_BUCKET,
    ...(e.TG_S3_ENDPOINT && { endpoint: e.TG_S3_ENDPOINT }),
    region: e.TG_S3_REGION,
    ...(e.TG_S3_ACCESS_KEY_ID &&
      e.TG_S3_SECRET_ACCESS_KEY && {
        credentials: { accessKeyId: e.TG_S3_ACCESS_KEY_ID, secretAccessKey: e.TG_S3_SECRET_ACCESS_KEY },
      }),
    forcePathStyle: e.TG_S3_FORCE_PATH_STYLE ?? false,
    prefix: prefix ? `${prefix}/` : '',
  }
}

function parseEgressAllowHosts(text: string | undefined) {
  try {
    return parseAllowHosts(text)
  } catch (err) {
    throw new ConfigError((err as Error).message)
  }
}

/** Comma-separated host names (no scheme, no port), as URL hostnames: lowercase, IPv6 in brackets. */
function parseAllowedHosts(text: string | undefined): string[] {
  const names = (text ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean)
  return names.map((name) => {
    const url = URL.parse(`http://${name.includes(':') && !name.startsWith('[') ? `[${name}]` : name}`)
    if (!url || url.port || url.pathname !== '/' || url.username || url.search || url.hash)
      throw new ConfigError(`TG_ALLOWED_HOSTS: "${name}" is not a host name (like console.internal: no scheme or port)`)
    return url.hostname
  })
}

/** Comma- or newline-separated verifier keys (name+keyid+base64), each checked now. */
function parsePinnedKeys(text: string | undefined): string[] {
  const keys = (text ?? '')
    .split(/[,\n]/)
    .map((k) => k.trim())
    .filter(Boolean)
  for (const key of keys) {
    try {
      parseVerifierKey(key)
    } catch (err) {
      throw new ConfigError(
        `TG_AUDIT_PINNED_KEYS: "${key.slice(0, 40)}..." is not a verifier key (${(err as Error).message})`,
      )
    }
  }
  return keys
}
