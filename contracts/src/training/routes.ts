import { z } from 'zod'
import { CreatedApiKeySchema } from '../admin/schemas'
import { errorResponses } from '../common/errors'
import { ANY_ROLE } from '../common/roles'
import { defineRoute, jsonContent } from '../common/route'
import { LIVE_STREAM_DESCRIPTION } from '../common/live'
import {
  CreateAgentKeyBodySchema,
  CreateRunBodySchema,
  FailRunBodySchema,
  ListRunsQuerySchema,
  PreviewRoundBodySchema,
  ReportRoundBodySchema,
  ListRoundsQuerySchema,
  RoundPageSchema,
  RoundSeriesQuerySchema,
  RoundSeriesSchema,
  RoundPreviewSchema,
  RoundReceiptSchema,
  RunIdParamSchema,
  RunPageSchema,
  RunSchema,
  StopRunBodySchema,
  TrainingOverviewSchema,
  TrainingEventsQuerySchema,
} from './schemas'
import { ReportRunPackageBodySchema, UpdateRunAnnotationsBodySchema } from './annotations'

const TAGS = ['training']
const OPERATORS = ['operator', 'admin'] as const

export const listTrainingRunsRoute = defineRoute({
  method: 'get',
  path: '/api/v1/training/runs',
  operationId: 'training.listRuns',
  summary: 'Training runs with search, filters and sort, paged by cursor',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { query: ListRunsQuerySchema },
  responses: {
    200: { description: 'A page of runs', content: jsonContent(RunPageSchema) },
    ...errorResponses(401, 403, 422, 500, 503),
  },
})

export const createTrainingRunRoute = defineRoute({
  method: 'post',
  path: '/api/v1/training/runs',
  operationId: 'training.createRun',
  summary: 'Create a run with its adapter and differential-privacy settings',
  description: 'Budgets above 10 are accepted with a warning on the run.',
  tags: TAGS,
  'x-roles': OPERATORS,
  request: { body: { required: true, content: jsonContent(CreateRunBodySchema) } },
  responses: {
    201: { description: 'Created', content: jsonContent(RunSchema) },
    ...errorResponses(400, 401, 403, 409, 413, 415, 422, 500, 503),
  },
})

export const getTrainingRunRoute = defineRoute({
  method: 'get',
  path: '/api/v1/training/runs/{runId}',
  operationId: 'training.getRun',
  summary: 'One run with the epsilon the server computed',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { params: RunIdParamSchema },
  responses: {
    200: { description: 'The run', content: jsonContent(RunSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const stopTrainingRunRoute = defineRoute({
  method: 'post',
  path: '/api/v1/training/runs/{runId}/stop',
  operationId: 'training.stopRun',
  summary: 'Stop a run: it takes no more rounds',
  tags: TAGS,
  'x-roles': OPERATORS,
  request: { params: RunIdParamSchema, body: { required: true, content: jsonContent(StopRunBodySchema) } },
  responses: {
    200: { description: 'Stopped', content: jsonContent(RunSchema) },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 500, 503),
  },
})

export const failTrainingRunRoute = defineRoute({
  method: 'post',
  path: '/api/v1/training/runs/{runId}/fail',
  operationId: 'training.failRun',
  summary: 'Report that a run failed (its agent, or an operator)',
  tags: TAGS,
  'x-roles': OPERATORS,
  'x-run-scoped': true,
  request: { params: RunIdParamSchema, body: { required: true, content: jsonContent(FailRunBodySchema) } },
  responses: {
    200: { description: 'Marked failed', content: jsonContent(RunSchema) },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 500, 503),
  },
})

export const listTrainingRoundsRoute = defineRoute({
  method: 'get',
  path: '/api/v1/training/runs/{runId}/rounds',
  operationId: 'training.listRounds',
  summary: 'A page of recorded rounds by index, with the epsilon after each and the gaps',
  description: 'Paged by an opaque cursor; a cursor this API did not make is 422.',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { params: RunIdParamSchema, query: ListRoundsQuerySchema },
  responses: {
    200: { description: 'A page of rounds', content: jsonContent(RoundPageSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const getTrainingRoundSeriesRoute = defineRoute({
  method: 'get',
  path: '/api/v1/training/runs/{runId}/rounds/series',
  operationId: 'training.roundSeries',
  summary: 'A bounded sample of the run\u2019s rounds for charts, and the projection to the planned rounds',
  description:
    'Every stride-th round index (and the latest) up to `points` rounds, whatever the run\u2019s length: ' +
    'the cost does not grow with the number of rounds.',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { params: RunIdParamSchema, query: RoundSeriesQuerySchema },
  responses: {
    200: { description: 'The sampled rounds', content: jsonContent(RoundSeriesSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const reportTrainingRoundRoute = defineRoute({
  method: 'post',
  path: '/api/v1/training/runs/{runId}/rounds',
  operationId: 'training.reportRound',
  summary: 'Report a round (training agents, with a key scoped to the run)',
  description:
    'The server recomputes the privacy loss; a round past the budget is refused with 409 BUDGET_EXHAUSTED and the ' +
    'run moves to budget_exhausted. The same report again answers 200 as before; a different report for a ' +
    'recorded index is 409 CONFLICT. A round with weaker privacy than the run declared is 422.',
  tags: TAGS,
  'x-roles': OPERATORS,
  'x-run-scoped': true,
  request: { params: RunIdParamSchema, body: { required: true, content: jsonContent(ReportRoundBodySchema) } },
  responses: {
    200: { description: 'This exact report was recorded before', content: jsonContent(RoundReceiptSchema) },
    201: { description: 'Recorded', content: jsonContent(RoundReceiptSchema) },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 500, 503),
  },
})

export const previewTrainingRoundRoute = defineRoute({
  method: 'post',
  path: '/api/v1/training/runs/{runId}/rounds/preview',
  operationId: 'training.previewRound',
  summary: 'What a proposed round would cost in epsilon, without recording it',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  'x-run-scoped': true,
  request: { params: RunIdParamSchema, body: { required: true, content: jsonContent(PreviewRoundBodySchema) } },
  responses: {
    200: { description: 'The cost', content: jsonContent(RoundPreviewSchema) },
    ...errorResponses(400, 401, 403, 404, 413, 415, 422, 500, 503),
  },
})

export const createTrainingAgentKeyRoute = defineRoute({
  method: 'post',
  path: '/api/v1/training/runs/{runId}/agent-keys',
  operationId: 'training.createAgentKey',
  summary: 'Create an API key whose only right is to report this run\u2019s rounds (shown once)',
  tags: TAGS,
  'x-roles': OPERATORS,
  request: { params: RunIdParamSchema, body: { required: true, content: jsonContent(CreateAgentKeyBodySchema) } },
  responses: {
    201: { description: 'Created', content: jsonContent(CreatedApiKeySchema) },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 500, 503),
  },
})

export const trainingOverviewRoute = defineRoute({
  method: 'get',
  path: '/api/v1/training/overview',
  operationId: 'training.overview',
  summary: 'Active runs, runs near or past their budget, the latest rounds',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  responses: {
    200: { description: 'Overview', content: jsonContent(TrainingOverviewSchema) },
    ...errorResponses(401, 403, 500, 503),
  },
})

export const trainingEventsRoute = defineRoute({
  method: 'get',
  path: '/api/v1/training/events',
  operationId: 'training.events',
  summary: 'Live updates as server-sent events (`round`, `run`), from every replica',
  description:
    'Each event\u2019s data is a TrainingEvent. A comment line is sent every 15 s to keep proxies open. ' +
    'A user or API key holds at most TG_MAX_STREAMS_PER_PRINCIPAL (default 6) live streams per server ' +
    'process; the next is refused with 429 RATE_LIMITED and Retry-After until one ends.' +
    LIVE_STREAM_DESCRIPTION,
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { query: TrainingEventsQuerySchema },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
    ...errorResponses(401, 403, 422, 429, 500, 503),
  },
})

export const updateTrainingRunAnnotationsRoute = defineRoute({
  method: 'patch',
  path: '/api/v1/training/runs/{runId}/annotations',
  operationId: 'training.updateAnnotations',
  summary: 'Set a run\u2019s tags (key or key=value) and its note (plain text)',
  description:
    'Tags given replace the run\u2019s tags; a note given replaces its note. Audited as training.run_annotated ' +
    'with the tags and note before and after, and published as a `run` event.',
  tags: TAGS,
  'x-roles': OPERATORS,
  request: {
    params: RunIdParamSchema,
    body: { required: true, content: jsonContent(UpdateRunAnnotationsBodySchema) },
  },
  responses: {
    200: { description: 'Updated', content: jsonContent(RunSchema) },
    ...errorResponses(400, 401, 403, 404, 413, 415, 422, 500, 503),
  },
})

export const reportTrainingRunPackageRoute = defineRoute({
  method: 'post',
  path: '/api/v1/training/runs/{runId}/package',
  operationId: 'training.reportPackage',
  summary: 'Report the TGSP package the run produced (training agents, with a key scoped to the run)',
  description:
    'By the package\u2019s console id or its content id (sha256). A package the marketplace does not hold is 422 ' +
    'naming the field. Recorded once (audited as training.run_package_reported): the same package again answers ' +
    '200, another package is 409 CONFLICT.',
  tags: TAGS,
  'x-roles': OPERATORS,
  'x-run-scoped': true,
  request: {
    params: RunIdParamSchema,
    body: { required: true, content: jsonContent(ReportRunPackageBodySchema) },
  },
  responses: {
    200: { description: 'This package was reported before', content: jsonContent(RunSchema) },
    201: { description: 'Recorded', content: jsonContent(RunSchema) },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 500, 503),
  },
})

export const trainingRoutes = [
  trainingOverviewRoute,
  trainingEventsRoute,
  listTrainingRunsRoute,
  createTrainingRunRoute,
  getTrainingRunRoute,
  stopTrainingRunRoute,
  failTrainingRunRoute,
  listTrainingRoundsRoute,
  getTrainingRoundSeriesRoute,
  reportTrainingRoundRoute,
  previewTrainingRoundRoute,
  createTrainingAgentKeyRoute,
  updateTrainingRunAnnotationsRoute,
  reportTrainingRunPackageRoute,
] as const
