import { compareTracesRoute, compareVersionsRoute, metricHistoryRoute } from '@tg/contracts'
import type { GuardOptions } from '../../../lib/guard'
import { createRouter } from '../../../lib/router'
import type { ArenaService } from './service'

export function createArenaRoutes({ arena, guard }: { arena: ArenaService; guard: GuardOptions }) {
  const app = createRouter(guard)
  app.register(compareVersionsRoute, async (c) =>
    c.json(await arena.compare(c.req.valid('param').expertId, c.req.valid('query')), 200),
  )
  app.register(metricHistoryRoute, async (c) =>
    c.json(await arena.metricHistory(c.req.valid('param').expertId, c.req.valid('query')), 200),
  )
  app.register(compareTracesRoute, async (c) =>
    c.json(await arena.traces(c.req.valid('param').expertId, c.req.valid('query')), 200),
  )
  return app
}
