import { CreatedApiKeySchema } from '../admin/schemas'
import { errorResponses } from '../common/errors'
import { ANY_ROLE } from '../common/roles'
import { defineRoute, jsonContent } from '../common/route'
import { IngestEvidenceHeadersSchema } from '../fedmoe/evidence'
import {
  FleetHealthSchema,
  ReleaseHealthReceiptSchema,
  ReportReleaseHealthBodySchema,
  UpdateFleetHealthPolicyBodySchema,
} from './health'
import { FleetIdParamSchema, FleetSchema } from './schemas'
import { CreateAgentKeyBodySchema } from '../training/schemas'

const TAGS = ['tgsp']
const ADMIN = ['admin'] as const
const FLEET_MANAGERS = ['operator', 'admin'] as const

export const reportReleaseHealthRoute = defineRoute({
  method: 'post',
  path: '/api/v1/tgsp/fleets/{fleetId}/health',
  operationId: 'tgsp.reportHealth',
  summary: 'Report the health of the package a fleet runs on a channel (fleet agents, with a fleet key)',
  description:
    'Counts of successes and failures since the agent\u2019s previous report. The package must have been released ' +
    'on that fleet and channel (409 otherwise); an unknown package or channel is 422 naming the field. With an ' +
    'Idempotency-Key the same key and report again answer 200 with the original; another report under the same ' +
    'key is 409. A fleet key may report only for its own fleet (403).',
  tags: TAGS,
  'x-roles': FLEET_MANAGERS,
  'x-fleet-scoped': true,
  request: {
    params: FleetIdParamSchema,
    headers: IngestEvidenceHeadersSchema,
    body: { required: true, content: jsonContent(ReportReleaseHealthBodySchema) },
  },
  responses: {
    200: {
      description: 'Recorded before under this Idempotency-Key',
      content: jsonContent(ReleaseHealthReceiptSchema),
    },
    201: { description: 'Recorded', content: jsonContent(ReleaseHealthReceiptSchema) },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 500, 503),
  },
})

export const getFleetHealthRoute = defineRoute({
  method: 'get',
  path: '/api/v1/tgsp/fleets/{fleetId}/health',
  operationId: 'tgsp.fleetHealth',
  summary: 'The health policy of a fleet and the reported health of the package live on each channel',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { params: FleetIdParamSchema },
  responses: {
    200: { description: 'Health per live release', content: jsonContent(FleetHealthSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const updateFleetHealthPolicyRoute = defineRoute({
  method: 'put',
  path: '/api/v1/tgsp/fleets/{fleetId}/health-policy',
  operationId: 'tgsp.updateHealthPolicy',
  summary: 'Set (or clear) the health a package must show on the previous channel before promotion',
  description: 'Audited as tgsp.fleet_policy_updated with the policy before and after.',
  tags: TAGS,
  'x-roles': ADMIN,
  request: {
    params: FleetIdParamSchema,
    body: { required: true, content: jsonContent(UpdateFleetHealthPolicyBodySchema) },
  },
  responses: {
    200: { description: 'Updated', content: jsonContent(FleetSchema) },
    ...errorResponses(400, 401, 403, 404, 413, 415, 422, 500, 503),
  },
})

export const createFleetAgentKeyRoute = defineRoute({
  method: 'post',
  path: '/api/v1/tgsp/fleets/{fleetId}/agent-keys',
  operationId: 'tgsp.createFleetAgentKey',
  summary: 'Create an API key whose only right is to report release health on this fleet (shown once)',
  description: 'List and revoke it with the admin API key routes; any other route answers 403 to it.',
  tags: TAGS,
  'x-roles': FLEET_MANAGERS,
  request: { params: FleetIdParamSchema, body: { required: true, content: jsonContent(CreateAgentKeyBodySchema) } },
  responses: {
    201: { description: 'Created', content: jsonContent(CreatedApiKeySchema) },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 500, 503),
  },
})

export const tgspHealthRoutes = [
  reportReleaseHealthRoute,
  getFleetHealthRoute,
  updateFleetHealthPolicyRoute,
  createFleetAgentKeyRoute,
] as const
