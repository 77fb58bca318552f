// The Eval Arena: versions of a family compared on one benchmark, their metrics over versions,
// and their traces side by side by input.
import { z } from 'zod'
import { PAGE_LIMIT_MAX, TimestampSchema } from '../common/pagination'
import { FailuresBelowSchema } from './evidence'
import { ExpertStatusSchema } from './schemas'

export const ARENA_VERSIONS_MIN = 2
export const ARENA_VERSIONS_MAX = 4
/** Below this many samples on either side, a delta is never called significant. */
export const ARENA_MIN_SAMPLES_FOR_SIGNIFICANCE = 30
export const ARENA_TRACE_FILTERS = ['all', 'disagreements', 'failures'] as const

export const ArenaParamSchema = z.object({ expertId: z.uuid() })

const BenchmarkQuery = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .meta({
    param: { name: 'benchmark', in: 'query' },
    description: 'The benchmark of EVAL_RESULT / VLA_BENCHMARK evidence.',
  })

const VersionsQuery = z
  .string()
  .max(200)
  .transform((text) => text.split(',').map((part) => part.trim()))
  .pipe(
    z
      .array(z.uuid())
      .min(ARENA_VERSIONS_MIN, `Pick ${ARENA_VERSIONS_MIN} to ${ARENA_VERSIONS_MAX} versions.`)
      .max(ARENA_VERSIONS_MAX, `Pick ${ARENA_VERSIONS_MIN} to ${ARENA_VERSIONS_MAX} versions.`)
      .refine((ids) => new Set(ids).size === ids.length, 'Each version once.'),
  )
  .meta({
    param: { name: 'versions', in: 'query' },
    description: `${ARENA_VERSIONS_MIN} to ${ARENA_VERSIONS_MAX} version ids of the family, comma-separated.`,
  })

export const CompareVersionsQuerySchema = z.object({
  versions: VersionsQuery,
  benchmark: BenchmarkQuery,
  baseline: z
    .uuid()
    .optional()
    .meta({ param: { name: 'baseline', in: 'query' }, description: 'One of versions; the first when omitted.' }),
})
export type CompareVersionsQuery = z.infer<typeof CompareVersionsQuerySchema>

export const ArenaDeltaSchema = z
  .object({
    delta: z.number().meta({ description: 'This version\u2019s value minus the baseline\u2019s.' }),
    baselineSamples: z.number().int().nonnegative(),
    samples: z.number().int().nonnegative(),
    significant: z.boolean().meta({
      description:
        `|delta| > 2 x the pooled standard error, approximated for rates in [0, 1] as sqrt(p(1-p)/n) per side; ` +
        `false below ${ARENA_MIN_SAMPLES_FOR_SIGNIFICANCE} samples on either side, and for metrics outside [0, 1].`,
    }),
  })
  .meta({ id: 'ArenaDelta' })
export type ArenaDelta = z.infer<typeof ArenaDeltaSchema>

export const ArenaVersionSchema = z
  .object({
    versionId: z.uuid(),
    version: z.string(),
    status: ExpertStatusSchema,
    nSamples: z.number().int().nonnegative().nullable(),
    evidenceId: z.uuid().nullable().meta({ description: 'The newest evidence item of the benchmark; null if none.' }),
    metrics: z.record(z.string(), z.number().nullable()),
    normalised: z
      .record(z.string(), z.number().min(0).max(1).nullable())
      .meta({ description: 'Min-max over the compared versions (1 when they are equal); null when missing.' }),
    deltas: z
      .record(z.string(), ArenaDeltaSchema.nullable())
      .meta({ description: 'Against the baseline; null for the baseline itself and for missing values.' }),
  })
  .meta({ id: 'ArenaVersion' })
export type ArenaVersion = z.infer<typeof ArenaVersionSchema>

export const ArenaComparisonSchema = z
  .object({
    benchmark: z.string(),
    baselineVersionId: z.uuid(),
    metrics: z.array(z.string()).meta({ description: 'Every metric any compared version reports, sorted.' }),
    versions: z.array(ArenaVersionSchema).meta({ description: 'In the order of the versions query.' }),
  })
  .meta({ id: 'ArenaComparison' })
export type ArenaComparison = z.infer<typeof ArenaComparisonSchema>

export const MetricHistoryQuerySchema = z.object({
  benchmark: BenchmarkQuery,
  metric: z
    .string()
    .min(1)
    .max(64)
    .meta({ param: { name: 'metric', in: 'query' } }),
})
export type MetricHistoryQuery = z.infer<typeof MetricHistoryQuerySchema>

export const MetricHistorySchema = z
  .object({
    benchmark: z.string(),
    metric: z.string(),
    points: z.array(
      z.object({
        versionId: z.uuid(),
        version: z.string(),
        status: ExpertStatusSchema,
        value: z.number().nullable(),
        nSamples: z.number().int().nonnegative().nullable(),
        at: TimestampSchema.nullable().meta({ description: 'When the evidence of the value was ingested.' }),
      }),
    ),
  })
  .meta({ id: 'MetricHistory', description: 'Every version of the family, in semver order.' })
export type MetricHistory = z.infer<typeof MetricHistorySchema>

export const CompareTracesQuerySchema = z.object({
  versions: VersionsQuery,
  benchmark: BenchmarkQuery,
  filter: z
    .enum(ARENA_TRACE_FILTERS)
    .default('all')
    .meta({
      param: { name: 'filter', in: 'query' },
      description: 'disagreements: the versions\u2019 outputs differ; failures: a score below failuresBelow.',
    }),
  failuresBelow: FailuresBelowSchema.default(0.5).meta({ param: { name: 'failuresBelow', in: 'query' } }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(PAGE_LIMIT_MAX)
    .default(50)
    .meta({ param: { name: 'limit', in: 'query' } }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .meta({ param: { name: 'cursor', in: 'query' }, description: 'Opaque cursor from nextCursor.' }),
})
export type CompareTracesQuery = z.infer<typeof CompareTracesQuerySchema>

export const ArenaTraceRowSchema = z
  .object({
    inputKey: z.string().meta({ description: 'SHA-256 hex of the input\u2019s canonical JSON.' }),
    input: z.unknown(),
    expected: z.unknown().nullable(),
    outputs: z
      .array(
        z.object({ versionId: z.uuid(), output: z.unknown(), score: z.number(), latencyMs: z.number() }).nullable(),
      )
      .meta({ description: 'One per version, in the order of the versions query; null when it has no such input.' }),
  })
  .meta({ id: 'ArenaTraceRow' })
export type ArenaTraceRow = z.infer<typeof ArenaTraceRowSchema>

export const ArenaTracePageSchema = z
  .object({ items: z.array(ArenaTraceRowSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'ArenaTracePage' })
export type ArenaTracePage = z.infer<typeof ArenaTracePageSchema>
