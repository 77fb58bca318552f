import {
  createTrainingAgentKeyRoute,
  createTrainingRunRoute,
  failTrainingRunRoute,
  getTrainingRoundSeriesRoute,
  getTrainingRunRoute,
  listTrainingRoundsRoute,
  listTrainingRunsRoute,
  previewTrainingRoundRoute,
  reportTrainingRoundRoute,
  stopTrainingRunRoute,
  trainingEventsRoute,
  trainingOverviewRoute,
} from '@tg/contracts'
import type { TrainingEvent } from '@tg/contracts'
import { streamSSE } from 'hono/streaming'
import type { GuardOptions } from '../../lib/guard'
import { createRouter } from '../../lib/router'
import type { StreamLimiter } from '../../lib/stream-limit'
import { auditContextOf } from '../audit/record'
import type { TrainingService } from './service'

const HEARTBEAT_MS = 15_000

export function createTrainingRoutes({
  training,
  guard,
  streams,
}: {
  training: TrainingService
  guard: GuardOptions
  streams: StreamLimiter
}) {
  const app = createRouter(guard)

  app.register(trainingOverviewRoute, async (c) => c.json(await training.overview(), 200))
  app.register(listTrainingRunsRoute, async (c) => c.json(await training.listRuns(c.req.valid('query')), 200))
  app.register(createTrainingRunRoute, async (c) =>
    c.json(await training.createRun(auditContextOf(c), c.req.valid('json')), 201),
  )
  app.register(getTrainingRunRoute, async (c) => c.json(await training.getRun(c.req.valid('param').runId), 200))
  app.register(stopTrainingRunRoute, async (c) =>
    c.json(await training.stopRun(auditContextOf(c), c.req.valid('param').runId, c.req.valid('json')), 200),
  )
  app.register(failTrainingRunRoute, async (c) =>
    c.json(await training.failRun(auditContextOf(c), c.req.valid('param').runId, c.req.valid('json')), 200),
  )
  app.register(listTrainingRoundsRoute, async (c) =>
    c.json(await training.listRounds(c.req.valid('param').runId, c.req.valid('query')), 200),
  )
  app.register(getTrainingRoundSeriesRoute, async (c) =>
    c.json(await training.roundSeries(c.req.valid('param').runId, c.req.valid('query')), 200),
  )
  app.register(reportTrainingRoundRoute, async (c) => {
    const receipt = await training.reportRound(auditContextOf(c), c.req.valid('param').runId, c.req.valid('json'))
    return receipt.replayed ? c.json(receipt, 200) : c.json(receipt, 201)
  })
  app.register(previewTrainingRoundRoute, async (c) =>
    c.json(await training.previewRound(c.req.valid('param').runId, c.req.valid('json')), 200),
  )
  app.register(createTrainingAgentKeyRoute, async (c) =>
    c.json(await training.createAgentKey(auditContextOf(c), c.req.valid('param').runId, c.req.valid('json')), 201),
  )

  app.register(trainingEventsRoute, async (c) => {
    const { runId } = c.req.valid('query')
    const release = streams.acquire(c.var.principal) // 429 past TG_MAX_STREAMS_PER_PRINCIPAL
    // Subscribe before answering, so that a LISTEN failure is an error response, not a dead stream.
    const queue: TrainingEvent[] = []
    let wake: (() => void) | null = null
    const unsubscribe = await training
      .subscribe(runId, (event) => {
        queue.push(event)
        wake?.()
      })
      .catch((err: unknown) => {
        release()
        throw err
      })
    c.header('Cache-Control', 'no-store')
    c.header('X-Accel-Buffering', 'no')
    return streamSSE(c, async (stream) => {
      let isOpen = true
      const end = () => {
        isOpen = false
        release()
        wake?.()
      }
      stream.onAbort(end)
      if (stream.aborted) end()
      training.closed.addEventListener('abort', end, { once: true })
      if (training.closed.aborted) end()
      try {
        await stream.writeSSE({ event: 'ready', data: '{}' })
        while (isOpen) {
          const event = queue.shift()
          if (event) {
            await stream.writeSSE({ event: event.type, data: JSON.stringify(event) })
            continue
          }
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, HEARTBEAT_MS)
            wake = () => {
              clearTimeout(timer)
              resolve()
            }
          })
          wake = null
          if (isOpen && queue.length === 0) await stream.write(': keep-alive\n\n')
        }
      } finally {
        training.closed.removeEventListener('abort', end)
        unsubscribe()
        release()
      }
    }) as never
  })

  return app
}
