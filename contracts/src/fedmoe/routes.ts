import { z } from 'zod'
import { errorResponses } from '../common/errors'
import { ANY_ROLE } from '../common/roles'
import { defineRoute, jsonContent } from '../common/route'
import { LIVE_STREAM_DESCRIPTION } from '../common/live'
import { GateEvaluationSchema, GatePolicySchema } from './gate'
import {
  ChangeStatusBodySchema,
  CreateExpertBodySchema,
  CreateVersionBodySchema,
  DeployExpertBodySchema,
  ExpertDeploymentPageSchema,
  ExpertDeploymentSchema,
  ExpertFamilyDetailSchema,
  ExpertFamilyPageSchema,
  ExpertFamilySchema,
  ExpertIdParamSchema,
  ExpertVersionDetailSchema,
  ExpertVersionParamSchema,
  ExpertVersionSchema,
  FedmoeEventsQuerySchema,
  FedmoeOverviewSchema,
  GateCheckQuerySchema,
  GatePolicyResponseSchema,
  ListDeploymentsQuerySchema,
  ListExpertsQuerySchema,
  RollbackExpertBodySchema,
  SetDefaultGatePolicyBodySchema,
  SetGatePolicyBodySchema,
} from './schemas'

const TAGS = ['fedmoe']
const OPERATORS = ['operator', 'admin'] as const
const RELEASERS = ['release-manager', 'admin'] as const
const ADMINS = ['admin'] as const
const BASE = '/api/v1/fedmoe'

const body = <T>(schema: T) => ({ body: { required: true, content: jsonContent(schema) } })

export const listExpertsRoute = defineRoute({
  method: 'get',
  path: `${BASE}/experts`,
  operationId: 'fedmoe.listExperts',
  summary: 'Expert families with their latest version, what is live per channel and what awaits validation',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { query: ListExpertsQuerySchema },
  responses: {
    200: { description: 'A page of families, newest first', content: jsonContent(ExpertFamilyPageSchema) },
    ...errorResponses(401, 403, 422, 500, 503),
  },
})

export const createExpertRoute = defineRoute({
  method: 'post',
  path: `${BASE}/experts`,
  operationId: 'fedmoe.createExpert',
  summary: 'Create an expert family (a name and its base model)',
  description: 'A name already taken is 409 CONFLICT with details.field = "name".',
  tags: TAGS,
  'x-roles': OPERATORS,
  request: body(CreateExpertBodySchema),
  responses: {
    201: { description: 'Created', content: jsonContent(ExpertFamilySchema) },
    ...errorResponses(400, 401, 403, 409, 413, 415, 422, 500, 503),
  },
})

export const getExpertRoute = defineRoute({
  method: 'get',
  path: `${BASE}/experts/{expertId}`,
  operationId: 'fedmoe.getExpert',
  summary: 'A family with its versions (newest semver first), what is live per channel and its gate policy',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { params: ExpertIdParamSchema },
  responses: {
    200: { description: 'The family', content: jsonContent(ExpertFamilyDetailSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const createVersionRoute = defineRoute({
  method: 'post',
  path: `${BASE}/experts/{expertId}/versions`,
  operationId: 'fedmoe.createVersion',
  summary: 'Add a semver version (status adapting), optionally linked to a verified TGSP package',
  description:
    'A version already in the family is 409 CONFLICT (details.field = "version"). An unknown package is 422 ' +
    'naming packageId; a package whose verification did not pass is 409 CONFLICT (details.field = "packageId").',
  tags: TAGS,
  'x-roles': OPERATORS,
  request: { params: ExpertIdParamSchema, ...body(CreateVersionBodySchema) },
  responses: {
    201: { description: 'Created', content: jsonContent(ExpertVersionSchema) },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 500, 503),
  },
})

export const getVersionRoute = defineRoute({
  method: 'get',
  path: `${BASE}/experts/{expertId}/versions/{versionId}`,
  operationId: 'fedmoe.getVersion',
  summary: 'A version with its package, its evidence counts per type and the channels it is live on',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { params: ExpertVersionParamSchema },
  responses: {
    200: { description: 'The version', content: jsonContent(ExpertVersionDetailSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const changeStatusRoute = defineRoute({
  method: 'post',
  path: `${BASE}/experts/{expertId}/versions/{versionId}/status`,
  operationId: 'fedmoe.changeStatus',
  summary: 'Validate a version (its gate is evaluated) or archive it',
  description:
    'A move the status machine does not allow is 409 CONFLICT with details { from, to, allowed }. Validating ' +
    'evaluates the gate: a failing gate is 409 GATE_FAILED with details.gate listing every rule and its observed ' +
    'value (the refusal is audited as fedmoe.gate.failed).',
  tags: TAGS,
  'x-roles': OPERATORS,
  request: { params: ExpertVersionParamSchema, ...body(ChangeStatusBodySchema) },
  responses: {
    200: { description: 'The version in its new status', content: jsonContent(ExpertVersionSchema) },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 500, 503),
  },
})

export const checkGateRoute = defineRoute({
  method: 'post',
  path: `${BASE}/experts/{expertId}/versions/{versionId}/gate-check`,
  operationId: 'fedmoe.checkGate',
  summary: 'Dry run of the gate: every rule with its observed value; changes nothing but the version\u2019s lastGate',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { params: ExpertVersionParamSchema, query: GateCheckQuerySchema },
  responses: {
    200: { description: 'The evaluation', content: jsonContent(GateEvaluationSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const deployRoute = defineRoute({
  method: 'post',
  path: `${BASE}/experts/{expertId}/versions/{versionId}/deploy`,
  operationId: 'fedmoe.deploy',
  summary: 'Deploy a validated version on a channel; the version live there before ends',
  description:
    'The gate is evaluated again for the channel (409 GATE_FAILED). Only validated or deployed versions deploy ' +
    '(409 CONFLICT); a version already live on the channel is 409 CONFLICT. An unknown channel is 422.',
  tags: TAGS,
  'x-roles': RELEASERS,
  request: { params: ExpertVersionParamSchema, ...body(DeployExpertBodySchema) },
  responses: {
    200: { description: 'The new deployment', content: jsonContent(ExpertDeploymentSchema) },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 500, 503),
  },
})

export const rollbackRoute = defineRoute({
  method: 'post',
  path: `${BASE}/experts/{expertId}/rollback`,
  operationId: 'fedmoe.rollback',
  summary: 'Redeploy an earlier version on a channel (the emergency path: the gate is not evaluated)',
  description:
    'The target must have been deployed on that channel before and be validated (409 CONFLICT otherwise); a ' +
    'version of another family is 404.',
  tags: TAGS,
  'x-roles': RELEASERS,
  request: { params: ExpertIdParamSchema, ...body(RollbackExpertBodySchema) },
  responses: {
    200: { description: 'The new deployment', content: jsonContent(ExpertDeploymentSchema) },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 500, 503),
  },
})

export const listDeploymentsRoute = defineRoute({
  method: 'get',
  path: `${BASE}/experts/{expertId}/deployments`,
  operationId: 'fedmoe.listDeployments',
  summary: 'What was live on each channel and when, newest first',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { params: ExpertIdParamSchema, query: ListDeploymentsQuerySchema },
  responses: {
    200: { description: 'A page of deployments', content: jsonContent(ExpertDeploymentPageSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const getGatePolicyRoute = defineRoute({
  method: 'get',
  path: `${BASE}/experts/{expertId}/gate-policy`,
  operationId: 'fedmoe.getGatePolicy',
  summary: 'The gate policy in force for a family: its own or the platform default',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { params: ExpertIdParamSchema },
  responses: {
    200: { description: 'The policy and where it comes from', content: jsonContent(GatePolicyResponseSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const setGatePolicyRoute = defineRoute({
  method: 'put',
  path: `${BASE}/experts/{expertId}/gate-policy`,
  operationId: 'fedmoe.setGatePolicy',
  summary: 'Set a family\u2019s own gate policy, or null to inherit the platform default',
  tags: TAGS,
  'x-roles': OPERATORS,
  request: { params: ExpertIdParamSchema, ...body(SetGatePolicyBodySchema) },
  responses: {
    200: { description: 'The policy now in force', content: jsonContent(GatePolicyResponseSchema) },
    ...errorResponses(400, 401, 403, 404, 413, 415, 422, 500, 503),
  },
})

export const getDefaultGatePolicyRoute = defineRoute({
  method: 'get',
  path: `${BASE}/gate-policy`,
  operationId: 'fedmoe.getDefaultGatePolicy',
  summary: 'The platform\u2019s default gate policy (for families without their own)',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  responses: {
    200: { description: 'The default policy', content: jsonContent(GatePolicySchema) },
    ...errorResponses(401, 403, 500, 503),
  },
})

export const setDefaultGatePolicyRoute = defineRoute({
  method: 'put',
  path: `${BASE}/gate-policy`,
  operationId: 'fedmoe.setDefaultGatePolicy',
  summary: 'Change the platform\u2019s default gate policy',
  tags: TAGS,
  'x-roles': ADMINS,
  request: body(SetDefaultGatePolicyBodySchema),
  responses: {
    200: { description: 'The default policy now', content: jsonContent(GatePolicySchema) },
    ...errorResponses(400, 401, 403, 413, 415, 422, 500, 503),
  },
})

export const fedmoeOverviewRoute = defineRoute({
  method: 'get',
  path: `${BASE}/overview`,
  operationId: 'fedmoe.getOverview',
  summary: 'Versions awaiting validation and gate failures (dashboard tiles)',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  responses: {
    200: { description: 'Overview', content: jsonContent(FedmoeOverviewSchema) },
    ...errorResponses(401, 403, 500, 503),
  },
})

export const fedmoeEventsRoute = defineRoute({
  method: 'get',
  path: `${BASE}/events`,
  operationId: 'fedmoe.events',
  summary: 'Live updates as server-sent events (`expert`, `version`, `evidence`, `deployment`), from every replica',
  description:
    'Each event\u2019s data is a FedmoeEvent. A comment line is sent every 15 s to keep proxies open. ' +
    'A user or API key holds at most TG_MAX_STREAMS_PER_PRINCIPAL (default 6) live streams per server ' +
    'process; the next is refused with 429 RATE_LIMITED and Retry-After until one ends.' +
    LIVE_STREAM_DESCRIPTION,
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { query: FedmoeEventsQuerySchema },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
    ...errorResponses(401, 403, 422, 429, 500, 503),
  },
})

/** The registry, gate and deployment routes (evidence and arena routes are in their own files). */
export const fedmoeRoutes = [
  fedmoeOverviewRoute,
  fedmoeEventsRoute,
  listExpertsRoute,
  createExpertRoute,
  getExpertRoute,
  createVersionRoute,
  getVersionRoute,
  changeStatusRoute,
  checkGateRoute,
  deployRoute,
  rollbackRoute,
  listDeploymentsRoute,
  getGatePolicyRoute,
  setGatePolicyRoute,
  getDefaultGatePolicyRoute,
  setDefaultGatePolicyRoute,
] as const
