// FedMoE evidence: the typed claims that an expert version works, their caps and their digest.
import canonicalize from 'canonicalize'
import { z } from 'zod'
import { PageQuerySchema, TimestampSchema } from '../common/pagination'
import { sha256, toHex } from '../formats/audit/hash'
import { ExpertEvidenceTypeSchema, SemverSchema } from './schemas'
import type { ExpertEvidenceType } from './schemas'

export { EXPERT_EVIDENCE_TYPES as EVIDENCE_TYPES } from './schemas'
/** The evidence type (`type` of a body). */
export const EvidenceTypeSchema = ExpertEvidenceTypeSchema
export type EvidenceType = ExpertEvidenceType

/** Evidence types that carry a benchmark, metrics and traces (the arena and the metric gates read them). */
export const BENCHMARK_EVIDENCE_TYPES = ['EVAL_RESULT', 'VLA_BENCHMARK'] as const satisfies readonly EvidenceType[]

/** At most this many traces per evidence item. */
export const EVIDENCE_TRACES_MAX = 10_000
/** Each trace's input, output and expected value: at most this many bytes of JSON (UTF-8). */
export const TRACE_JSON_MAX_BYTES = 16 * 1024
/** Default of TG_FEDMOE_EVIDENCE_MAX_BYTES: the largest evidence body the server reads. */
export const EVIDENCE_BODY_MAX_BYTES_DEFAULT = 16 * 1024 * 1024
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key'
export const IDEMPOTENCY_KEY_MAX_LENGTH = 200
/** Above this many samples, an integer count is refused (it must fit the database's int). */
const COUNT_MAX = 2_000_000_000

const text = (max: number) => z.string().trim().min(1).max(max)
const rate = z.number().min(0).max(1)
const count = (min: number) => z.number().int().min(min).max(COUNT_MAX)

const encoder = new TextEncoder()
/** UTF-8 bytes of a JSON value's text; cheap for small values (no encoding below the cap / 3 chars). */
function jsonBytes(value: unknown): number {
  const textForm = JSON.stringify(value) ?? ''
  return textForm.length * 3 <= TRACE_JSON_MAX_BYTES ? textForm.length : encoder.encode(textForm).length
}

/** Any JSON value (the body arrives as JSON, so only `undefined`, a missing field, is refused). */
const JsonValueSchema = z
  .unknown()
  .refine((value) => value !== undefined, 'Required.')
  .meta({ description: 'Any JSON value.' })

const capped = (field: 'input' | 'output' | 'expected') =>
  (field === 'expected' ? JsonValueSchema.nullable() : JsonValueSchema).refine(
    (value) => jsonBytes(value) <= TRACE_JSON_MAX_BYTES,
    { message: `At most ${TRACE_JSON_MAX_BYTES} bytes of JSON.`, params: { cap: 'trace_json' } },
  )

export const EvidenceTraceSchema = z
  .object({
    input: capped('input'),
    output: capped('output'),
    expected: capped('expected').meta({ description: 'The reference answer, or null.' }),
    score: rate.meta({ description: 'The trace\u2019s score in [0, 1].' }),
    latency_ms: z.number().min(0),
  })
  .strict()
  .meta({ id: 'EvidenceTrace' })
export type EvidenceTrace = z.infer<typeof EvidenceTraceSchema>

const MetricsSchema = z
  .record(z.string().min(1).max(64), z.number())
  .meta({ description: 'Metric name (1-64 characters) to a finite number.' })

const TracesSchema = z
  .array(EvidenceTraceSchema)
  .max(EVIDENCE_TRACES_MAX)
  .default([])
  .meta({ description: `Per-input results, at most ${EVIDENCE_TRACES_MAX}.` })

export const EvalResultEvidenceSchema = z
  .object({
    type: z.literal('EVAL_RESULT'),
    benchmark: text(120),
    split: text(40),
    n_samples: count(1),
    metrics: MetricsSchema,
    baseline_version: SemverSchema.nullable().default(null),
    traces: TracesSchema,
  })
  .strict()
  .meta({ id: 'EvalResultEvidence' })

export const SimSuccessEvidenceSchema = z
  .object({
    type: z.literal('SIM_SUCCESS'),
    simulator: text(120),
    scenario: text(120),
    episodes: count(1),
    success_rate: rate,
    collision_rate: rate,
  })
  .strict()
  .meta({ id: 'SimSuccessEvidence' })

export const RealWorldEvidenceSchema = z
  .object({
    type: z.literal('REAL_WORLD_VLD'),
    site: text(120),
    robot: text(120),
    trials: count(1),
    success_rate: rate,
    incidents: count(0),
    notes: z.string().max(2000).optional(),
  })
  .strict()
  .meta({ id: 'RealWorldEvidence' })

export const PEER_REVIEW_VERDICTS = ['approve', 'reject', 'changes'] as const
export const PeerReviewEvidenceSchema = z
  .object({
    type: z.literal('PEER_REVIEW'),
    reviewer: text(120),
    verdict: z.enum(PEER_REVIEW_VERDICTS),
    comments: z.string().max(10_000).default(''),
  })
  .strict()
  .meta({ id: 'PeerReviewEvidence' })

export const VlaBenchmarkEvidenceSchema = z
  .object({
    type: z.literal('VLA_BENCHMARK'),
    benchmark: text(120),
    suite: text(120).meta({ example: 'LIBERO-Long' }),
    tasks: count(1),
    n_samples: count(1),
    metrics: MetricsSchema,
    traces: TracesSchema,
  })
  .strict()
  .meta({ id: 'VlaBenchmarkEvidence' })

/** The evidence body of `fedmoe.ingestEvidence`: one of five types, every object strict. */
export const EvidenceBodySchema = z
  .discriminatedUnion('type', [
    EvalResultEvidenceSchema,
    SimSuccessEvidenceSchema,
    RealWorldEvidenceSchema,
    PeerReviewEvidenceSchema,
    VlaBenchmarkEvidenceSchema,
  ])
  .meta({ id: 'EvidenceBody' })
export type EvidenceBody = z.infer<typeof EvidenceBodySchema>

type Issue = { code: string; path: ReadonlyArray<PropertyKey>; message: string; keys?: string[]; params?: unknown }

/**
 * Validation issues as `{ path, message }`, with an unknown field named in the path itself
 * (zod reports it on its parent) so that `traces.3.colour` says which field to remove.
 */
export function describeEvidenceIssues(issues: readonly Issue[]): Array<{ path: string; message: string }> {
  const out: Array<{ path: string; message: string }> = []
  for (const issue of issues) {
    const path = issue.path.map(String)
    if (issue.code === 'unrecognized_keys' && issue.keys)
      for (const key of issue.keys) out.push({ path: [...path, key].join('.'), message: `Unknown field "${key}".` })
    else out.push({ path: path.join('.'), message: issue.message })
  }
  return out
}

/** True for an issue that is a size cap (too many traces, a trace's JSON too large): 413, not 422. */
export function isEvidenceCapIssue(issue: Issue): boolean {
  const last = issue.path.at(-1)
  if (issue.code === 'too_big' && last === 'traces') return true
  const params = issue.params as { cap?: unknown } | undefined
  return issue.code === 'custom' && params?.cap === 'trace_json'
}

/** Canonical JSON text (RFC 8785), the form the audit log hashes. */
export function canonicalJson(value: unknown): string {
  const textForm = canonicalize(value)
  if (textForm === undefined) throw new TypeError('value has no JSON representation')
  return textForm
}

/** Lowercase hex SHA-256 of a value's canonical JSON. */
export function canonicalHash(value: unknown): string {
  return toHex(sha256(encoder.encode(canonicalJson(value))))
}

/** `sha256:` + hex SHA-256 of the RFC 8785 canonical JSON of the whole validated evidence body. */
export function evidenceDigest(body: EvidenceBody): string {
  return `sha256:${canonicalHash(body)}`
}

export const EvidenceDigestSchema = z
  .string()
  .regex(/^sha256:[0-9a-f]{64}$/)
  .meta({ description: 'sha256: + hex SHA-256 of the RFC 8785 canonical JSON of the validated body.' })

export type EvidenceSummary = Omit<EvidenceBody, 'traces' | 'comments' | 'notes'>
/** The evidence without its traces (what the item's detail shows). */
export function evidenceWithoutTraces(body: EvidenceBody): Record<string, unknown> {
  const { traces: _traces, ...rest } = body as EvidenceBody & { traces?: unknown }
  return rest
}

/** The small, type-specific view of an item for lists: no traces, no free text. */
export function evidenceSummary(body: EvidenceBody): Record<string, unknown> {
  const { comments: _c, notes: _n, ...rest } = evidenceWithoutTraces(body) as Record<string, unknown>
  return rest
}

// --- responses

export const EvidenceSummarySchema = z
  .object({ type: EvidenceTypeSchema })
  .catchall(z.unknown())
  .meta({
    id: 'EvidenceSummary',
    description:
      'The item\u2019s body without traces and free text: benchmark/split/n_samples/metrics, ' +
      'simulator/scenario/episodes/rates, site/robot/trials/rate/incidents, or reviewer/verdict.',
  })

export const EvidenceItemSchema = z
  .object({
    id: z.uuid(),
    expertId: z.uuid(),
    versionId: z.uuid(),
    type: EvidenceTypeSchema,
    digest: EvidenceDigestSchema,
    summary: EvidenceSummarySchema,
    traceCount: z.number().int().nonnegative(),
    createdAt: TimestampSchema,
    createdBy: z.object({ kind: z.enum(['user', 'api_key']), name: z.string() }),
    idempotencyKey: z.string().nullable(),
    audit: z
      .object({
        action: z.literal('fedmoe.evidence.ingested'),
        resourceType: z.literal('expert_evidence'),
        resourceId: z.uuid(),
        seq: z
          .number()
          .int()
          .nonnegative()
          .nullable()
          .meta({ description: 'The audit entry\u2019s sequence number; null until the log has sequenced it.' }),
      })
      .meta({ description: 'The audit entry of the ingest: GET /api/v1/audit/entries?action=&resourceId= finds it.' }),
  })
  .meta({ id: 'EvidenceItem' })
export type EvidenceItem = z.infer<typeof EvidenceItemSchema>

export const EvidenceReceiptSchema = EvidenceItemSchema.extend({
  replayed: z.boolean().meta({ description: 'True when this Idempotency-Key and body were ingested before.' }),
}).meta({ id: 'EvidenceReceipt' })
export type EvidenceReceipt = z.infer<typeof EvidenceReceiptSchema>

export const EvidenceDetailSchema = EvidenceItemSchema.extend({
  body: z
    .object({ type: EvidenceTypeSchema })
    .catchall(z.unknown())
    .meta({ description: 'The full validated evidence, without its traces (page them with fedmoe.listTraces).' }),
}).meta({ id: 'EvidenceDetail' })
export type EvidenceDetail = z.infer<typeof EvidenceDetailSchema>

export const EvidencePageSchema = z
  .object({ items: z.array(EvidenceItemSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'EvidencePage' })
export type EvidencePage = z.infer<typeof EvidencePageSchema>

export const TraceSchema = z
  .object({
    ordinal: z.number().int().nonnegative().meta({ description: 'Position in the item\u2019s traces, from 0.' }),
    input: z.unknown(),
    output: z.unknown(),
    expected: z.unknown().nullable(),
    score: z.number(),
    latencyMs: z.number(),
  })
  .meta({ id: 'Trace' })
export type Trace = z.infer<typeof TraceSchema>

export const TracePageSchema = z
  .object({ items: z.array(TraceSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'TracePage' })
export type TracePage = z.infer<typeof TracePageSchema>

// --- requests

export const EvidenceVersionParamSchema = z.object({ expertId: z.uuid(), versionId: z.uuid() })
export const EvidenceIdParamSchema = z.object({ evidenceId: z.uuid() })

export const IngestEvidenceHeadersSchema = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(IDEMPOTENCY_KEY_MAX_LENGTH)
    .optional()
    .meta({
      param: { name: 'idempotency-key', in: 'header' },
      description:
        'The same key and body again answer 200 with the original item; the same key with another body is 409.',
    }),
})

export const ListEvidenceQuerySchema = PageQuerySchema.extend({
  type: EvidenceTypeSchema.optional().meta({ param: { name: 'type', in: 'query' } }),
})
export type ListEvidenceQuery = z.infer<typeof ListEvidenceQuerySchema>

export const FailuresBelowSchema = z.coerce
  .number()
  .min(0)
  .max(1)
  .meta({ description: 'Only traces scoring below this (in [0, 1]).' })

export const ListTracesQuerySchema = PageQuerySchema.extend({
  failuresBelow: FailuresBelowSchema.optional().meta({ param: { name: 'failuresBelow', in: 'query' } }),
})
export type ListTracesQuery = z.infer<typeof ListTracesQuerySchema>

export const CreateIngestKeyBodySchema = z
  .object({
    name: z.string().trim().min(1, 'Enter a name.').max(120),
    expertIds: z
      .array(z.uuid())
      .min(1, 'Name at least one expert family.')
      .max(50)
      .refine((ids) => new Set(ids).size === ids.length, 'Each family once.'),
    expiresAt: TimestampSchema.optional(),
  })
  .strict()
  .meta({ id: 'CreateIngestKeyBody' })
export type CreateIngestKeyBody = z.infer<typeof CreateIngestKeyBodySchema>
