import { getSystemHealthRoute, livenessRoute, metricsRoute, readinessRoute } from '@tg/contracts'
import { AppError } from '../../lib/errors'
import type { GuardOptions } from '../../lib/guard'
import type { Metrics } from '../../lib/metrics'
import { createRouter } from '../../lib/router'
import type { SystemService } from './service'

export function createSystemRoutes({
  system,
  metrics,
  guard,
}: {
  system: SystemService
  metrics: Metrics
  guard: GuardOptions
}) {
  const app = createRouter(guard)

  app.register(livenessRoute, (c) => c.json({ status: 'ok' as const }, 200))

  // A failed audit self-check is reported here but does not make the replica unready: the alarm
  // is shared, so it would take every replica out of the load balancer at once, and the console
  // (where the alarm is shown and investigated) with them; restarting does not mend a log.
  // Redis down does not gate it either: every replica would leave at once, while each can
  // still count requests in its own memory (per-replica limits) until Redis is back.
  app.register(readinessRoute, async (c) => {
    const readiness = await system.readiness()
    if (!readiness.isReady) {
      const { checks } = readiness
      const problems = [
        checks.database === 'unavailable' && 'the database is unavailable',
        checks.migrations === 'pending' && 'migrations are pending',
        checks.objectStore === 'unavailable' && 'the object store of package bytes does not answer',
      ].filter(Boolean)
      throw new AppError('UPSTREAM_UNAVAILABLE', `Not ready: ${problems.join('; ')}.`, {
        dependency: checks.database === 'ok' && checks.migrations === 'ok' ? 'object-store' : 'database',
        checks,
      })
    }
    const { auditIntegrity, objectStore, rateLimitStore } = readiness
    const checks = {
      database: 'ok' as const,
      migrations: 'ok' as const,
      auditIntegrity: auditIntegrity.status,
      ...(objectStore && { objectStore }),
      ...(rateLimitStore?.store === 'redis' ? { redis: rateLimitStore.status } : {}),
    }
    return c.json({ status: 'ready' as const, checks, auditIntegrity }, 200)
  })

  app.register(metricsRoute, async (c) => {
    c.header('Content-Type', metrics.registry.contentType)
    return c.text(await metrics.registry.metrics(), 200)
  })

  app.register(getSystemHealthRoute, async (c) => c.json(await system.health(), 200))

  return app
}
