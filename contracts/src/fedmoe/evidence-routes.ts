import { CreatedApiKeySchema } from '../admin/schemas'
import { errorResponses } from '../common/errors'
import { ANY_ROLE } from '../common/roles'
import { defineRoute, jsonContent } from '../common/route'
import {
  CreateIngestKeyBodySchema,
  EvidenceBodySchema,
  EvidenceDetailSchema,
  EvidenceIdParamSchema,
  EvidencePageSchema,
  EvidenceReceiptSchema,
  EvidenceVersionParamSchema,
  IngestEvidenceHeadersSchema,
  ListEvidenceQuerySchema,
  ListTracesQuerySchema,
  TracePageSchema,
} from './evidence'

const TAGS = ['fedmoe']
const OPERATORS = ['operator', 'admin'] as const

export const ingestEvidenceRoute = defineRoute({
  method: 'post',
  path: '/api/v1/fedmoe/experts/{expertId}/versions/{versionId}/evidence',
  operationId: 'fedmoe.ingestEvidence',
  summary: 'Post typed evidence for a version (pipelines with an ingest key, or operators)',
  description:
    'The body is validated strictly (an unknown field or an out-of-range number is 422 naming the field), hashed ' +
    '(sha256 over its RFC 8785 canonical JSON) and written with its traces and its audit entry in one transaction. ' +
    'With an Idempotency-Key, the same key and body again answer 200 with the original item; another body under ' +
    'the same key is 409, and so is evidence for an archived version. Too many traces, a trace too large or a ' +
    'body above TG_FEDMOE_EVIDENCE_MAX_BYTES is 413. An ingest key may post only for its own families (403).',
  tags: TAGS,
  'x-roles': OPERATORS,
  'x-expert-scoped': true,
  request: {
    params: EvidenceVersionParamSchema,
    headers: IngestEvidenceHeadersSchema,
    body: { required: true, content: jsonContent(EvidenceBodySchema) },
  },
  responses: {
    200: { description: 'Ingested before under this Idempotency-Key', content: jsonContent(EvidenceReceiptSchema) },
    201: { description: 'Ingested', content: jsonContent(EvidenceReceiptSchema) },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 500, 503),
  },
})

export const listEvidenceRoute = defineRoute({
  method: 'get',
  path: '/api/v1/fedmoe/experts/{expertId}/versions/{versionId}/evidence',
  operationId: 'fedmoe.listEvidence',
  summary: 'A version\u2019s evidence, newest first',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { params: EvidenceVersionParamSchema, query: ListEvidenceQuerySchema },
  responses: {
    200: { description: 'A page of evidence items', content: jsonContent(EvidencePageSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const getEvidenceRoute = defineRoute({
  method: 'get',
  path: '/api/v1/fedmoe/evidence/{evidenceId}',
  operationId: 'fedmoe.getEvidence',
  summary: 'One evidence item with its full body (without traces)',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { params: EvidenceIdParamSchema },
  responses: {
    200: { description: 'The item', content: jsonContent(EvidenceDetailSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const listTracesRoute = defineRoute({
  method: 'get',
  path: '/api/v1/fedmoe/evidence/{evidenceId}/traces',
  operationId: 'fedmoe.listTraces',
  summary: 'A page of an evidence item\u2019s traces by ordinal',
  description: 'Paged by an opaque cursor without reading the other traces; a cursor this API did not make is 422.',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { params: EvidenceIdParamSchema, query: ListTracesQuerySchema },
  responses: {
    200: { description: 'A page of traces', content: jsonContent(TracePageSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const createIngestKeyRoute = defineRoute({
  method: 'post',
  path: '/api/v1/fedmoe/ingest-keys',
  operationId: 'fedmoe.createIngestKey',
  summary: 'Create an API key whose only right is to post evidence for the named families (shown once)',
  description: 'List and revoke it with the admin API key routes; any other route answers 403 to it.',
  tags: TAGS,
  'x-roles': OPERATORS,
  request: { body: { required: true, content: jsonContent(CreateIngestKeyBodySchema) } },
  responses: {
    201: { description: 'Created', content: jsonContent(CreatedApiKeySchema) },
    ...errorResponses(400, 401, 403, 404, 413, 415, 422, 500, 503),
  },
})

export const fedmoeEvidenceRoutes = [
  ingestEvidenceRoute,
  listEvidenceRoute,
  getEvidenceRoute,
  listTracesRoute,
  createIngestKeyRoute,
] as const
