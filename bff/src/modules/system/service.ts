import type { AuditIntegrity, ComponentHealth, SystemHealth } from '@tg/contracts'
import type { Database } from '../../db/client'
import { isDatabaseUnavailable } from '../../lib/errors'
import type { RateLimitStoreHealth } from '../../lib/rate-limit-store'

export interface SystemService {
  health(): Promise<SystemHealth>
  /** Ready with the audit self-check's state, or what is not ready. */
  readiness(): Promise<
    | { isReady: true; auditIntegrity: AuditIntegrity; objectStore?: 'ok'; rateLimitStore: RateLimitStoreHealth }
    | {
        isReady: false
        checks: {
          database: 'ok' | 'unavailable'
          migrations: 'ok' | 'pending' | 'unknown'
          objectStore?: 'ok' | 'unavailable'
        }
      }
  >
}

type Deps = {
  database: Database
  version: string
  modules: Array<{ name: string; label: string; health(): ComponentHealth | Promise<ComponentHealth> }>
  /** The audit self-check's shared alarm, reported by readiness (it does not gate it). */
  auditIntegrity: () => Promise<AuditIntegrity>
  /** The S3-compatible store of package bytes, when configured: readiness needs it to answer (HeadBucket). */
  objectStore?: { ping(): Promise<void> }
  /** The shared rate-limit store (Redis or PostgreSQL), reported by readiness (it does not gate it). */
  rateLimitStore: () => Promise<RateLimitStoreHealth>
}

export function createSystemService({
  database,
  version,
  modules,
  auditIntegrity,
  objectStore,
  rateLimitStore,
}: Deps): SystemService {
  async function databaseHealth(): Promise<ComponentHealth> {
    const base = { name: 'database', label: 'Database', kind: 'database' as const }
    try {
      const latencyMs = Math.round((await database.ping()) * 100) / 100
      const driver = database.driver === 'pglite' ? 'Embedded PGlite' : 'PostgreSQL'
      return { ...base, status: 'ok', message: `${driver} answers.`, latencyMs }
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err
      return { ...base, status: 'unavailable', message: 'The database does not answer.', latencyMs: null }
    }
  }

  async function moduleHealthOf(module: Deps['modules'][number]): Promise<ComponentHealth> {
    try {
      return await module.health()
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err
      const { name, label } = module
      return {
        name,
        label,
        kind: 'module',
        status: 'unavailable',
        message: 'Needs the database, which does not answer.',
        latencyMs: null,
      }
    }
  }

  return {
    async health() {
      const db = await databaseHealth()
      const moduleHealth = await Promise.all(modules.map((m) => moduleHealthOf(m)))
      const components = [db, ...moduleHealth]
      return {
        status: components.some((c) => c.status === 'unavailable' || c.status === 'degraded' || c.status === 'failed')
          ? 'degraded'
          : 'ok',
        version,
        databaseDriver: database.driver,
        checkedAt: new Date().toISOString(),
        components,
      }
    },
    async readiness() {
      const store = objectStore?.ping().then(
        () => 'ok' as const,
        () => 'unavailable' as const,
      )
      try {
        await database.ping()
        const pending = await database.pendingMigrations()
        const storeCheck = await store
        if (pending > 0 || storeCheck === 'unavailable')
          return {
            isReady: false,
            checks: {
              database: 'ok',
              migrations: pending > 0 ? 'pending' : 'ok',
              ...(storeCheck && { objectStore: storeCheck }),
            },
          }
        const [integrity, limits] = await Promise.all([auditIntegrity(), rateLimitStore()])
        return {
          isReady: true,
          auditIntegrity: integrity,
          rateLimitStore: limits,
          ...(storeCheck && { objectStore: storeCheck }),
        }
      } catch (err) {
        if (!isDatabaseUnavailable(err)) throw err
        const storeCheck = await store
        return {
          isReady: false,
          checks: {
            database: 'unavailable',
            migrations: 'unknown',
            ...(storeCheck && { objectStore: storeCheck }),
          },
        }
      }
    },
  }
}
