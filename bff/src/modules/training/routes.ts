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
  reportTrainingRunPackageRoute,
  stopTrainingRunRoute,
  updateTrainingRunAnnotationsRoute,
  trainingEventsRoute,
  trainingOverviewRoute,
} from '@tg/contracts'
import type { TrainingEvent } from '@tg/contracts'
import { streamEvents } from '../../lib/event-stream'
import type { GuardOptions } from '../../lib/guard'
import { createRouter } from '../../lib/router'
import type { StreamLimiter } from '../../lib/stream-limit'
import { auditContextOf } from '../audit/record'
import type { TrainingService } from './service'

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
  app.register(updateTrainingRunAnnotationsRoute, async (c) =>
    c.json(await training.updateAnnotations(auditContextOf(c), c.req.valid('param').runId, c.req.valid('json')), 200),
  )
  app.register(reportTrainingRunPackageRoute, async (c) => {
    const receipt = await training.reportPackage(auditContextOf(c), c.req.valid('param').runId, c.req.valid('json'))
    return receipt.replayed ? c.json(receipt.run, 200) : c.json(receipt.run, 201)
  })

  app.register(trainingEventsRoute, async (c) => {
    const { runId, lastEventId } = c.req.valid('query')
    return streamEvents<TrainingEvent>(c, { streams, feed: training.feed(runId), lastEventId }) as never
  })

  return app
}
