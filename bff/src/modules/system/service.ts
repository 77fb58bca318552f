import type { ComponentHealth, SystemHealth } from '@tg/contracts'
import type { Database } from '../../db/client'
import { isDatabaseUnavailable } from '../../lib/errors'

export interface SystemService {
  health(): Promise<SystemHealth>
  /** Null when ready; otherwise what is not ready. */
  readiness(): Promise<{ database: 'ok' | 'unavailable'; migrations: 'ok' | 'pending' | 'unknown' } | null>
}

type Deps = {
  database: Database
  version: string
  modules: Array<{ name: string; label: string; health(): ComponentHealth | Promise<ComponentHealth> }>
}

export function createSystemService({ database, version, modules }: Deps): SystemService {
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
        status: components.some((c) => c.status === 'unavailable' || c.status === 'degraded') ? 'degraded' : 'ok',
        version,
        databaseDriver: database.driver,
        checkedAt: new Date().toISOString(),
        components,
      }
    },
    async readiness() {
      try {
        await database.ping()
        const pending = await database.pendingMigrations()
        return pending === 0 ? null : { database: 'ok', migrations: 'pending' }
      } catch (err) {
        if (!isDatabaseUnavailable(err)) throw err
        return { database: 'unavailable', migrations: 'unknown' }
      }
    },
  }
}
