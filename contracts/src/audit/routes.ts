import { z } from 'zod'
import { PageQuerySchema } from '../common/pagination'
import { errorResponses } from '../common/errors'
import { ANY_ROLE } from '../common/roles'
import { defineRoute, jsonContent } from '../common/route'
import { AuditBundleSchema } from '../formats/audit/bundle'
import { AuditEntryProofSchema } from '../formats/audit/entry-proof'
import {
  AuditCheckpointPageSchema,
  AuditCheckpointSchema,
  AuditEntryDetailQuerySchema,
  AuditEntryDetailSchema,
  AuditEntryPageSchema,
  AuditExportQuerySchema,
  AuditIntegritySchema,
  AuditKeyRotationsSchema,
  AuditKeysSchema,
  AUDIT_LEAF_STREAM_MEDIA_TYPE,
  AuditLeafStreamQuerySchema,
  AuditLeavesQuerySchema,
  AuditLeavesSchema,
  AuditSeqParamSchema,
  ConsistencyProofSchema,
  ConsistencyQuerySchema,
  ListAuditEntriesQuerySchema,
} from './schemas'

const TAGS = ['audit']
const READERS = ['auditor', 'admin'] as const

export const listAuditEntriesRoute = defineRoute({
  method: 'get',
  path: '/api/v1/audit/entries',
  operationId: 'audit.listEntries',
  summary: 'Audit entries, newest first, with inclusion proofs against a checkpoint',
  tags: TAGS,
  'x-roles': READERS,
  request: { query: ListAuditEntriesQuerySchema },
  responses: {
    200: { description: 'A page of entries', content: jsonContent(AuditEntryPageSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const getAuditEntryRoute = defineRoute({
  method: 'get',
  path: '/api/v1/audit/entries/{seq}',
  operationId: 'audit.getEntry',
  summary: 'One entry with its inclusion proof against the given or the latest checkpoint',
  tags: TAGS,
  'x-roles': READERS,
  request: { params: AuditSeqParamSchema, query: AuditEntryDetailQuerySchema },
  responses: {
    200: { description: 'The entry', content: jsonContent(AuditEntryDetailSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const getAuditEntryProofRoute = defineRoute({
  method: 'get',
  path: '/api/v1/audit/entries/{seq}/proof',
  operationId: 'audit.getEntryProof',
  summary:
    "One entry's offline proof (tensorguardflow.audit-entry-proof/v1): the entry, its inclusion proof and the signed checkpoint, for `pnpm tgctl audit verify`",
  tags: TAGS,
  'x-roles': READERS,
  request: { params: AuditSeqParamSchema },
  responses: {
    200: {
      description: 'The proof (a checkpoint is cut first if none covers the entry yet)',
      content: jsonContent(AuditEntryProofSchema),
    },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const listAuditLeavesRoute = defineRoute({
  method: 'get',
  path: '/api/v1/audit/leaves',
  operationId: 'audit.listLeaves',
  summary: 'Canonical entries by leaf index, ascending, to recompute the whole tree',
  tags: TAGS,
  'x-roles': READERS,
  request: { query: AuditLeavesQuerySchema },
  responses: {
    200: { description: 'Consecutive leaves', content: jsonContent(AuditLeavesSchema) },
    ...errorResponses(401, 403, 422, 500, 503),
  },
})

export const streamAuditLeavesRoute = defineRoute({
  method: 'get',
  path: '/api/v1/audit/leaves/stream',
  operationId: 'audit.streamLeaves',
  summary:
    'Canonical entries by leaf index, ascending, streamed as NDJSON in one response (verify everything in large pages)',
  tags: TAGS,
  'x-roles': READERS,
  request: { query: AuditLeafStreamQuerySchema },
  responses: {
    200: {
      description:
        'One line `{"seq":N,"canonical":"…"}` (AuditLeafLine) per stored leaf in [start, min(end, tree size)), ascending; ' +
        'a seq that is absent is a missing entry. The stream ends early (a truncated last line or fewer lines) only when the ' +
        'server fails mid-way, which the reader sees as missing entries.',
      content: { [AUDIT_LEAF_STREAM_MEDIA_TYPE]: { schema: z.string() } },
    },
    ...errorResponses(401, 403, 422, 500, 503),
  },
})

export const listAuditCheckpointsRoute = defineRoute({
  method: 'get',
  path: '/api/v1/audit/checkpoints',
  operationId: 'audit.listCheckpoints',
  summary: 'Signed checkpoints, newest first',
  tags: TAGS,
  'x-roles': READERS,
  request: { query: PageQuerySchema },
  responses: {
    200: { description: 'A page of checkpoints', content: jsonContent(AuditCheckpointPageSchema) },
    ...errorResponses(401, 403, 422, 500, 503),
  },
})

export const getLatestAuditCheckpointRoute = defineRoute({
  method: 'get',
  path: '/api/v1/audit/checkpoints/latest',
  operationId: 'audit.getLatestCheckpoint',
  summary: 'The newest signed checkpoint (404 until the first one is cut)',
  tags: TAGS,
  'x-roles': READERS,
  responses: {
    200: { description: 'The newest checkpoint', content: jsonContent(AuditCheckpointSchema) },
    ...errorResponses(401, 403, 404, 500, 503),
  },
})

export const createAuditCheckpointRoute = defineRoute({
  method: 'post',
  path: '/api/v1/audit/checkpoints',
  operationId: 'audit.createCheckpoint',
  summary: 'Cut a checkpoint now (200 with the latest when it already covers every entry)',
  tags: TAGS,
  'x-roles': READERS,
  responses: {
    200: {
      description: 'The latest checkpoint already covers every entry',
      content: jsonContent(AuditCheckpointSchema),
    },
    201: { description: 'A new checkpoint', content: jsonContent(AuditCheckpointSchema) },
    ...errorResponses(401, 403, 409, 500, 503),
  },
})

export const getConsistencyProofRoute = defineRoute({
  method: 'get',
  path: '/api/v1/audit/proofs/consistency',
  operationId: 'audit.getConsistencyProof',
  summary: 'Consistency proof between two tree sizes',
  tags: TAGS,
  'x-roles': READERS,
  request: { query: ConsistencyQuerySchema },
  responses: {
    200: { description: 'The proof', content: jsonContent(ConsistencyProofSchema) },
    ...errorResponses(401, 403, 422, 500, 503),
  },
})

export const getAuditKeysRoute = defineRoute({
  method: 'get',
  path: '/api/v1/audit/keys',
  operationId: 'audit.getKeys',
  summary: 'The log origin, its signing keys (active and retired) and the keys pinned by configuration',
  tags: TAGS,
  'x-roles': READERS,
  responses: {
    200: { description: 'Keys', content: jsonContent(AuditKeysSchema) },
    ...errorResponses(401, 403, 500, 503),
  },
})

export const rotateAuditKeysRoute = defineRoute({
  method: 'post',
  path: '/api/v1/audit/keys/rotate',
  operationId: 'audit.rotateKeys',
  summary: 'Make new signing keys; the old ones stay available to verify old checkpoints',
  tags: TAGS,
  'x-roles': ['admin'],
  responses: {
    201: { description: 'Keys after the rotation', content: jsonContent(AuditKeysSchema) },
    ...errorResponses(401, 403, 500, 503),
  },
})

export const listAuditKeyRotationsRoute = defineRoute({
  method: 'get',
  path: '/api/v1/audit/keys/rotations',
  operationId: 'audit.listKeyRotations',
  summary:
    'Rotation statements, oldest first: each names the new keys and is signed by both outgoing keys, so a verifier that trusts the old keys can trust the new ones',
  tags: TAGS,
  'x-roles': READERS,
  responses: {
    200: { description: 'Rotation statements', content: jsonContent(AuditKeyRotationsSchema) },
    ...errorResponses(401, 403, 500, 503),
  },
})

export const exportAuditBundleRoute = defineRoute({
  method: 'get',
  path: '/api/v1/audit/export',
  operationId: 'audit.exportBundle',
  summary: 'Entries, proofs, checkpoints and public keys for offline verification (`pnpm tgctl audit verify`)',
  tags: TAGS,
  'x-roles': READERS,
  request: { query: AuditExportQuerySchema },
  responses: {
    200: { description: 'The bundle', content: jsonContent(AuditBundleSchema) },
    ...errorResponses(401, 403, 404, 413, 422, 500, 503),
  },
})

export const getAuditIntegrityRoute = defineRoute({
  method: 'get',
  path: '/api/v1/audit/integrity',
  operationId: 'audit.getIntegrity',
  summary: "The server's self-check of its audit log (stored rows against the stored tree), for every signed-in role",
  tags: TAGS,
  'x-roles': ANY_ROLE,
  responses: {
    200: { description: 'The shared alarm state', content: jsonContent(AuditIntegritySchema) },
    ...errorResponses(401, 403, 500, 503),
  },
})

export const auditRoutes = [
  listAuditEntriesRoute,
  getAuditEntryRoute,
  getAuditEntryProofRoute,
  listAuditLeavesRoute,
  streamAuditLeavesRoute,
  listAuditCheckpointsRoute,
  getLatestAuditCheckpointRoute,
  createAuditCheckpointRoute,
  getConsistencyProofRoute,
  getAuditKeysRoute,
  rotateAuditKeysRoute,
  listAuditKeyRotationsRoute,
  exportAuditBundleRoute,
  getAuditIntegrityRoute,
] as const
