import { scheduleLivePrune } from './lib/live-log'
import { createApp } from './app'
import { MIGRATIONS_FOLDER, createDatabase } from './db/client'
import { startEmbeddedMaintenance } from './db/embedded-maintenance'
import { createPgliteInChild } from './db/pglite-setup'
import { ConfigError, parseConfig } from './env'
import type { Config } from './env'
import { listen } from './http-server'
import { acquireDataDirLock, ensurePrivateDir, loadDevSecrets } from './lib/data-dir'
import { createLogger } from './lib/logger'
import { createMetrics } from './lib/metrics'
import { createRateLimiter } from './lib/rate-limit-store'
import { closeAccountantPool } from './modules/training/accountant/pool'

/** The folders that hold state on disk: created 0700, or tightened to it, before first use. */
function privateDirsOf(config: Config): string[] {
  const usesDataDir = config.database.kind === 'pglite' || !config.keyMaster || !config.sessionSecret
  return [
    ...(usesDataDir ? [config.dataDir] : []),
    ...(config.database.kind === 'pglite' ? [config.database.dir] : []),
    ...(config.tgsp.s3 ? [] : [config.tgsp.blobDir]),
  ]
}

function resolveSecrets(config: Config) {
  if (config.keyMaster && config.sessionSecret)
    return { keyMaster: config.keyMaster, sessionSecret: config.sessionSecret }
  const dev = loadDevSecrets(config.dataDir)
  return { keyMaster: config.keyMaster ?? dev.keyMaster, sessionSecret: config.sessionSecret ?? dev.sessionSecret }
}

/**
 * SIGTERM and SIGINT are handled from the first line: one that arrived while the server was
 * still starting (after its "listening" line, before the setup link) used to end it by Node's
 * default action, so `pnpm start` saw a signal and died by it too (exit null instead of 0).
 * A signal during the start now stops the server cleanly as soon as it is up.
 */
let onStopSignal: ((signal: string) => void) | null = null
let pendingSignal: string | null = null
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.on(signal, () => {
    if (onStopSignal) onStopSignal(signal)
    else pendingSignal ??= signal
  })

async function main() {
  let config: Config
  try {
    config = parseConfig(process.env)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    console.error(err.message)
    process.exit(1)
  }
  const log = createLogger(config.logLevel)
  for (const dir of privateDirsOf(config)) {
    const warning = ensurePrivateDir(dir)
    if (warning) log.warn({ dir }, warning)
  }
  const secrets = resolveSecrets(config)
  if (!config.sessionSecret)
    log.warn('TG_SESSION_SECRET is not set: using a development secret kept in the data directory')
  const releaseLock = config.database.kind === 'pglite' ? acquireDataDirLock(config.dataDir) : () => undefined

  if (config.database.kind === 'pglite' && (await createPgliteInChild(config.database.dir, MIGRATIONS_FOLDER)))
    log.info({ dir: config.database.dir }, 'created the embedded database')
  const database = createDatabase(config.database, {
    timeoutMs: config.dbTimeoutMs,
    onPoolError: (err) => log.warn({ err }, 'database connection error'),
  })
  await database.migrate()
  log.info({ driver: database.driver }, 'database ready, migrations applied')

  const metrics = createMetrics()
  const rateLimiter = createRateLimiter(config.rateLimit, { log, metrics })
  await rateLimiter.start()
  log.info(
    {
      store: rateLimiter.store,
      addressPerMinute: config.rateLimit.addressPerMinute,
      principalPerMinute: config.rateLimit.principalPerMinute,
    },
    'request rate limits ready',
  )
  const { app, services } = createApp({
    config,
    database,
    log,
    metrics,
    rateLimiter,
    sessionSecret: secrets.sessionSecret,
    keyMaster: secrets.keyMaster,
    audit: config.audit,
    tgsp: config.tgsp,
    integrations: config.integrations,
  })
  await services.audit.initialize()
  const rebuilt = await services.training.initialize()
  if (rebuilt > 0)
    log.info({ runs: rebuilt }, 'rebuilt the privacy ledgers of runs recorded before it kept RDP vectors')
  // A package store that does not answer yet (an object store starting beside this replica) must not
  // stop the start: readiness reports it, and the scheduled sweep tries again. Embedded PGlite
  // allows one process (the data directory lock above): no upload is live on this blob store but
  // ours, so what a crash left in .incoming goes now, whatever its age.
  await services.tgsp
    .sweep(config.database.kind === 'pglite' ? 0 : undefined)
    .catch((err: unknown) => log.error({ err: (err as Error).message }, 'sweeping unfinished uploads at start failed'))
  const stopAuditTimer = services.audit.start()
  const stopThrottleSweep = services.auth.start((err) =>
    log.warn({ err: String(err) }, 'sweeping the sign-in throttle failed'),
  )
  const stopSweeper = services.tgsp.startSweeper()
  const stopIntegrations = await services.integrations.start()
  const stopLivePrune = scheduleLivePrune(services.events, config.liveEventRetentionMs, (err) =>
    log.warn({ err: String(err) }, 'pruning old live events failed'),
  )
  // PostgreSQL has its autovacuum; embedded PGlite has none, so the server does its work.
  const stopMaintenance =
    database.driver === 'pglite'
      ? startEmbeddedMaintenance(database.db, {
          onStep: (step) => log.info(step, `embedded database maintenance: ${step.action} ${step.table}`),
          onError: (err) => log.warn({ err: String(err) }, 'embedded database maintenance failed'),
        })
      : async () => undefined
  const { server, port } = await listen(app.fetch, { hostname: config.host, port: config.port })
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  const baseUrl = config.publicUrl?.replace(/\/$/, '') ?? `http://${shownHost}:${port}`
  log.info({ url: baseUrl, env: config.env }, `TensorGuardFlow console listening on ${baseUrl}`)
  if (config.oidc)
    log.info(
      { issuer: config.oidc.issuer, redirectUri: config.oidc.redirectUri, localPasswords: config.localPasswords },
      'single sign-on enabled',
    )

  const setupToken = await services.auth.issueSetupToken()
  if (setupToken) {
    const setupUrl = `${baseUrl}/setup#token=${setupToken}`
    log.info(
      { setupUrl },
      `First-run setup: open ${setupUrl} to create the first admin (or run \`pnpm tgctl admin create-user\`)`,
    )
  }

  let isStopping = false
  const stop = (signal: string) => {
    if (isStopping) return
    isStopping = true
    log.info({ signal }, 'shutting down: no new connections, finishing in-flight requests')
    const forceTimer = setTimeout(() => {
      log.warn(
        { timeoutMs: config.shutdownTimeoutMs },
        'in-flight requests did not finish in time; closing connections',
      )
      server.closeAllConnections()
    }, config.shutdownTimeoutMs)
    forceTimer.unref()
    server.close(async () => {
      clearTimeout(forceTimer)
      stopAuditTimer()
      stopSweeper()
      stopLivePrune()
      stopThrottleSweep()
      await stopIntegrations().catch((err: unknown) => log.warn({ err }, 'stopping the integrations workers failed'))
      await services.audit.drain().catch((err: unknown) => log.warn({ err }, 'final audit sequencing failed'))
      await stopMaintenance()
      await closeAccountantPool()
      await rateLimiter.close().catch((err: unknown) => log.warn({ err }, 'closing the rate-limit store failed'))
      await database.close().catch((err: unknown) => log.error({ err }, 'closing the database failed'))
      releaseLock()
      log.info('stopped')
      process.exit(0)
    })
    server.closeIdleConnections()
    // Live event streams never end by themselves: closing the bus ends them.
    void services.events.close()
  }
  onStopSignal = stop
  if (pendingSignal) stop(pendingSignal)
}

await main()
