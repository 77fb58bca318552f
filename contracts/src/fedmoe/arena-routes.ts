import { errorResponses } from '../common/errors'
import { ANY_ROLE } from '../common/roles'
import { defineRoute, jsonContent } from '../common/route'
import {
  ArenaComparisonSchema,
  ArenaParamSchema,
  ArenaTracePageSchema,
  CompareTracesQuerySchema,
  CompareVersionsQuerySchema,
  MetricHistoryQuerySchema,
  MetricHistorySchema,
} from './arena'

const TAGS = ['fedmoe']

export const compareVersionsRoute = defineRoute({
  method: 'get',
  path: '/api/v1/fedmoe/experts/{expertId}/arena',
  operationId: 'fedmoe.compareVersions',
  summary: 'Compare 2-4 versions on a benchmark: metrics, normalised metrics, deltas with sample counts',
  description:
    'Each version\u2019s newest EVAL_RESULT or VLA_BENCHMARK item of the benchmark. A version of another family is 404.',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { params: ArenaParamSchema, query: CompareVersionsQuerySchema },
  responses: {
    200: { description: 'The comparison', content: jsonContent(ArenaComparisonSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const metricHistoryRoute = defineRoute({
  method: 'get',
  path: '/api/v1/fedmoe/experts/{expertId}/metric-history',
  operationId: 'fedmoe.metricHistory',
  summary: 'One metric of one benchmark over the family\u2019s versions, in semver order',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { params: ArenaParamSchema, query: MetricHistoryQuerySchema },
  responses: {
    200: { description: 'The points', content: jsonContent(MetricHistorySchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const compareTracesRoute = defineRoute({
  method: 'get',
  path: '/api/v1/fedmoe/experts/{expertId}/arena/traces',
  operationId: 'fedmoe.compareTraces',
  summary: 'The versions\u2019 traces side by side per input, filtered to disagreements or failures, paged',
  description:
    'Aligned by the input\u2019s canonical hash over each version\u2019s newest item of the benchmark; paged by ' +
    'input hash without reading the other traces.',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { params: ArenaParamSchema, query: CompareTracesQuerySchema },
  responses: {
    200: { description: 'A page of aligned traces', content: jsonContent(ArenaTracePageSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const fedmoeArenaRoutes = [compareVersionsRoute, metricHistoryRoute, compareTracesRoute] as const
