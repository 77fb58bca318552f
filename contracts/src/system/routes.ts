import { z } from 'zod'
import { ANY_ROLE } from '../common/roles'
import { errorResponses } from '../common/errors'
import { defineRoute, jsonContent } from '../common/route'
import { LivenessSchema, ReadinessSchema, SystemHealthSchema } from './schemas'

const TAGS = ['system']

export const livenessRoute = defineRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'system.liveness',
  summary: 'The process is alive',
  tags: TAGS,
  'x-roles': 'public',
  responses: { 200: { description: 'Alive', content: jsonContent(LivenessSchema) } },
})

export const readinessRoute = defineRoute({
  method: 'get',
  path: '/readyz',
  operationId: 'system.readiness',
  summary: 'The database answers and every migration is applied; the body also reports the audit self-check',
  tags: TAGS,
  'x-roles': 'public',
  responses: {
    200: { description: 'Ready to serve', content: jsonContent(ReadinessSchema) },
    ...errorResponses(503),
  },
})

export const metricsRoute = defineRoute({
  method: 'get',
  path: '/metrics',
  operationId: 'system.metrics',
  summary: 'Prometheus metrics: requests and durations by route and status, process metrics',
  tags: TAGS,
  'x-roles': 'public',
  responses: {
    200: {
      description: 'Prometheus text exposition format',
      content: { 'text/plain': { schema: z.string() } },
    },
  },
})

export const getSystemHealthRoute = defineRoute({
  method: 'get',
  path: '/api/v1/system/health',
  operationId: 'system.getHealth',
  summary: 'Health of each module and of the database',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  responses: {
    200: { description: 'Component health', content: jsonContent(SystemHealthSchema) },
    ...errorResponses(401, 403, 500, 503),
  },
})

export const systemRoutes = [livenessRoute, readinessRoute, metricsRoute, getSystemHealthRoute] as const
