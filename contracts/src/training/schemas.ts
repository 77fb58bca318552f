import { z } from 'zod'
import { PageQuerySchema, TimestampSchema, pageOf } from '../common/pagination'
import { LiveStreamQueryShape } from '../common/live'
import { ListRunsTagFilterSchema, RunProducedPackageSchema } from './annotations'
import { decodeRoundCursor } from './cursor'

export const RUN_STATES = ['created', 'running', 'completed', 'stopped', 'failed', 'budget_exhausted'] as const
export const RunStateSchema = z.enum(RUN_STATES).meta({ id: 'RunState' })
export type RunState = z.infer<typeof RunStateSchema>
/** States in which a run takes no more rounds. */
export const FINAL_RUN_STATES: readonly RunState[] = ['completed', 'stopped', 'failed', 'budget_exhausted']

/** A run is near its budget from this share of it on (the `budget=near` filter, the dashboard). */
export const NEAR_BUDGET_SHARE = 0.8

/** Budgets above this are accepted with a warning: they promise little privacy. */
export const EPSILON_WARNING_ABOVE = 10

const positive = (what: string) => z.number().gt(0, `${what} must be greater than 0.`)

export const AdapterSettingsSchema = z
  .object({
    method: z.enum(['lora', 'qlora', 'full']).default('lora'),
    rank: z.number().int().min(1).max(1024).nullable().default(null),
    alpha: z.number().gt(0).max(4096).nullable().default(null),
    targetModules: z.array(z.string().trim().min(1).max(80)).max(64).default([]),
  })
  .meta({ id: 'AdapterSettings' })
export type AdapterSettings = z.infer<typeof AdapterSettingsSchema>

export const RunDpSettingsSchema = z
  .object({
    noiseMultiplier: positive('The noise multiplier').max(1000),
    clippingNorm: positive('The clipping norm').max(1e6),
    sampleRate: positive('The sampling rate').max(1, 'The sampling rate is at most 1.'),
    delta: positive('Delta').lt(1, 'Delta must be less than 1.'),
    epsilonBudget: positive('The epsilon budget').max(1000),
    datasetSize: z
      .number()
      .int()
      .min(1)
      .nullable()
      .default(null)
      .meta({ description: 'Records (or clients) in the dataset; when given, delta must be below 1/N.' }),
  })
  .superRefine((dp, ctx) => {
    if (dp.datasetSize !== null && dp.delta >= 1 / dp.datasetSize)
      ctx.addIssue({
        code: 'custom',
        path: ['delta'],
        message: `Delta must be below 1/N = ${(1 / dp.datasetSize).toPrecision(3)} for a dataset of ${dp.datasetSize} records.`,
      })
  })
  .meta({ id: 'RunDpSettings' })
export type RunDpSettings = z.infer<typeof RunDpSettingsSchema>

export const CreateRunBodySchema = z
  .object({
    name: z.string().trim().min(1, 'Enter a name.').max(120),
    baseModel: z.string().trim().min(1, 'Enter the base model.').max(200),
    adapter: AdapterSettingsSchema,
    plannedRounds: z.number().int().min(1, 'Plan at least one round.').max(1_000_000),
    stepsPerRound: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .meta({ description: 'Planned sampled-Gaussian steps per round: the projection to the planned rounds uses it.' }),
    dp: RunDpSettingsSchema,
  })
  .meta({ id: 'CreateRunBody' })
export type CreateRunBody = z.infer<typeof CreateRunBodySchema>

export const RunSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    baseModel: z.string(),
    adapter: AdapterSettingsSchema,
    plannedRounds: z.number().int(),
    stepsPerRound: z.number().int(),
    dp: RunDpSettingsSchema,
    state: RunStateSchema,
    stateReason: z.string().nullable(),
    warnings: z.array(z.string()),
    roundsRecorded: z.number().int().nonnegative(),
    lastRoundIndex: z.number().int().nullable(),
    missingRounds: z
      .number()
      .int()
      .nonnegative()
      .meta({ description: 'Indices below the highest reported one that have no report.' }),
    epsilonSpent: z.number().nonnegative().meta({ description: 'Computed by the server from the recorded rounds.' }),
    epsilonOrder: z.number().nullable().meta({ description: 'The RDP order that gave epsilonSpent.' }),
    projectedEpsilon: z
      .number()
      .nullable()
      .meta({ description: 'Epsilon at the planned rounds, if the remaining rounds use the declared settings.' }),
    lastReportAt: TimestampSchema.nullable(),
    createdAt: TimestampSchema,
    createdBy: z.string().nullable(),
    endedAt: TimestampSchema.nullable(),
    tags: z.array(z.string()).meta({ description: 'Operators\u2019 tags, key or key=value.' }),
    note: z.string().meta({ description: 'Operators\u2019 note, plain text.' }),
    producedPackage: RunProducedPackageSchema.nullable().meta({ description: 'The package its agent reported.' }),
  })
  .meta({ id: 'Run' })
export type Run = z.infer<typeof RunSchema>

export const RunPageSchema = pageOf(RunSchema).meta({ id: 'RunPage' })
export type RunPage = z.infer<typeof RunPageSchema>

export const RUN_SORTS = ['createdAt', 'name', 'epsilonSpent', 'lastReportAt'] as const
export const ListRunsQuerySchema = PageQuerySchema.extend({
  q: z.string().trim().max(120).optional().meta({ description: 'Name or base model contains.' }),
  state: RunStateSchema.optional(),
  budget: z.enum(['near', 'exhausted']).optional().meta({
    description: 'near: at least NEAR_BUDGET_SHARE (80%) of the budget spent; exhausted: state budget_exhausted.',
  }),
  tag: ListRunsTagFilterSchema.optional(),
  packageId: z.uuid().optional().meta({ description: 'Runs that produced this package (console id).' }),
  sort: z.enum(RUN_SORTS).default('createdAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
})
export type ListRunsQuery = z.infer<typeof ListRunsQuerySchema>

export const RunIdParamSchema = z.object({ runId: z.uuid() })

export const StopRunBodySchema = z
  .object({ reason: z.string().trim().max(500).default('') })
  .meta({ id: 'StopRunBody' })
export type StopRunBody = z.infer<typeof StopRunBodySchema>

export const FailRunBodySchema = z
  .object({ reason: z.string().trim().min(1, 'Say what failed.').max(2000) })
  .meta({ id: 'FailRunBody' })
export type FailRunBody = z.infer<typeof FailRunBodySchema>

/** Limits of a round's metrics: a report is a few named numbers, not a data dump. */
export const METRICS_MAX_KEYS = 64
export const METRIC_KEY_MAX_LENGTH = 64
export const METRIC_KEY_PATTERN = '^[A-Za-z_][A-Za-z0-9_./-]*$'
const METRIC_KEY = new RegExp(METRIC_KEY_PATTERN)

export const RoundMetricsSchema = z
  .object({
    loss: z.number().nullable().optional(),
    accuracy: z.number().min(0).max(1).nullable().optional(),
    meanGradNorm: z.number().min(0).nullable().optional(),
    clippedFraction: z.number().min(0).max(1).nullable().optional(),
  })
  .catchall(z.number())
  .superRefine((metrics, ctx) => {
    const keys = Object.keys(metrics)
    if (keys.length > METRICS_MAX_KEYS)
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `At most ${METRICS_MAX_KEYS} metrics per round (this one has ${keys.length}).`,
      })
    const bad = keys.find((key) => key.length > METRIC_KEY_MAX_LENGTH || !METRIC_KEY.test(key))
    if (bad !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: [],
        message:
          `Metric names are 1 to ${METRIC_KEY_MAX_LENGTH} characters: letters, digits, "_", ".", "/" and "-", ` +
          `starting with a letter or "_" (not ${JSON.stringify(bad.slice(0, METRIC_KEY_MAX_LENGTH))}).`,
      })
  })
  .meta({
    id: 'RoundMetrics',
    description:
      `Named finite numbers; loss, accuracy, meanGradNorm and clippedFraction are known. At most ${METRICS_MAX_KEYS} ` +
      `metrics, names of 1 to ${METRIC_KEY_MAX_LENGTH} characters matching ${METRIC_KEY_PATTERN}.`,
    maxProperties: METRICS_MAX_KEYS,
    propertyNames: { type: 'string', minLength: 1, maxLength: METRIC_KEY_MAX_LENGTH, pattern: METRIC_KEY_PATTERN },
  })
export type RoundMetrics = z.infer<typeof RoundMetricsSchema>

export const ReportRoundBodySchema = z
  .object({
    index: z.number().int().min(0).max(10_000_000),
    clients: z.number().int().min(1).max(10_000_000).meta({ description: 'Participating clients.' }),
    steps: z.number().int().min(1).max(1_000_000).meta({ description: 'Sampled-Gaussian steps in this round.' }),
    sampleRate: z.number().gt(0).max(1),
    noiseMultiplier: z.number().gt(0).max(1000),
    clippingNorm: z.number().gt(0).max(1e6),
    metrics: RoundMetricsSchema.default({}),
    startedAt: TimestampSchema,
    endedAt: TimestampSchema,
  })
  .refine((r) => Date.parse(r.endedAt) >= Date.parse(r.startedAt), {
    path: ['endedAt'],
    message: 'endedAt is before startedAt.',
  })
  .meta({ id: 'ReportRoundBody' })
export type ReportRoundBody = z.infer<typeof ReportRoundBodySchema>

export const RoundSchema = z
  .object({
    index: z.number().int(),
    clients: z.number().int(),
    steps: z.number().int(),
    sampleRate: z.number(),
    noiseMultiplier: z.number(),
    clippingNorm: z.number(),
    metrics: RoundMetricsSchema,
    startedAt: TimestampSchema,
    endedAt: TimestampSchema,
    receivedAt: TimestampSchema,
    reportedBy: z.string().nullable(),
    epsilonAfter: z.number().meta({
      description:
        'Epsilon of the run once this round was recorded: over every round received up to and including it. ' +
        'For rounds reported in index order that is the rounds 0 to index; a late round also counts the ' +
        'higher-index rounds received before it. Stored when the round is recorded: the receipt, the rounds ' +
        'list, the series and the overview show the same value.',
    }),
  })
  .meta({ id: 'Round' })
export type Round = z.infer<typeof RoundSchema>

export const RoundReceiptSchema = z
  .object({
    round: RoundSchema,
    run: z.object({ state: RunStateSchema, epsilonSpent: z.number(), epsilonBudget: z.number() }),
    replayed: z.boolean().meta({ description: 'True when this exact report was recorded before.' }),
  })
  .meta({ id: 'RoundReceipt' })
export type RoundReceipt = z.infer<typeof RoundReceiptSchema>

export const ROUND_PAGE_MAX = 500
export const ListRoundsQuerySchema = z.object({
  order: z
    .enum(['asc', 'desc'])
    .default('asc')
    .meta({ description: 'By round index: asc from the first round, desc from the latest.' }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(ROUND_PAGE_MAX)
    .default(100)
    .meta({ description: `Rounds per page, 1 to ${ROUND_PAGE_MAX}.` }),
  cursor: z
    .string()
    .max(64)
    .transform((cursor, ctx) => {
      const after = decodeRoundCursor(cursor)
      if (after === null) {
        ctx.addIssue({ code: 'custom', message: 'The cursor is not valid: use the nextCursor of a previous page.' })
        return z.NEVER
      }
      return after
    })
    .optional()
    .meta({ description: 'Opaque: the nextCursor of the previous page (with the same order).' }),
})
export type ListRoundsQuery = z.infer<typeof ListRoundsQuerySchema>

const GapSchema = z.object({ from: z.number().int(), to: z.number().int() })

export const RoundPageSchema = z
  .object({
    items: z.array(RoundSchema),
    gaps: z.array(GapSchema).meta({
      description:
        'Ranges of round indices (inclusive) with no report, within the index range this page covers: from ' +
        'the previous page (or index 0) to its last round, and down to index 0 on the last page of desc.',
    }),
    nextCursor: z.string().nullable().meta({ description: 'The cursor of the next page; null on the last page.' }),
  })
  .meta({ id: 'RoundPage' })
export type RoundPage = z.infer<typeof RoundPageSchema>

export const SERIES_POINTS_MAX = 1000
export const PROJECTION_POINTS_MAX = 200
export const RoundSeriesQuerySchema = z.object({
  points: z.coerce
    .number()
    .int()
    .min(2)
    .max(SERIES_POINTS_MAX)
    .default(400)
    .meta({ description: `At most this many sampled rounds, 2 to ${SERIES_POINTS_MAX}.` }),
})
export type RoundSeriesQuery = z.infer<typeof RoundSeriesQuerySchema>

export const RoundPointSchema = z
  .object({
    index: z.number().int(),
    clients: z.number().int(),
    epsilonAfter: z.number(),
    loss: z.number().nullable(),
    accuracy: z.number().nullable(),
  })
  .meta({ id: 'RoundPoint' })
export type RoundPoint = z.infer<typeof RoundPointSchema>

export const RoundSeriesSchema = z
  .object({
    stride: z.number().int().positive().meta({
      description: 'The rounds sampled are the indices 0, stride, 2 stride, ... and the latest reported one.',
    }),
    roundsRecorded: z.number().int().nonnegative(),
    lastRoundIndex: z.number().int().nullable(),
    points: z.array(RoundPointSchema).meta({ description: 'The sampled rounds that were reported, by index.' }),
    projection: z.array(z.tuple([z.number().int(), z.number()])).meta({
      description:
        `[round index, epsilon] from the latest reported round to the last planned one (at most ${PROJECTION_POINTS_MAX} ` +
        'points), if the rounds not yet reported use the declared settings and planned steps; empty once the run ' +
        'takes no more rounds. Its last point is the run\u2019s projectedEpsilon.',
    }),
  })
  .meta({ id: 'RoundSeries' })
export type RoundSeries = z.infer<typeof RoundSeriesSchema>

export const PreviewRoundBodySchema = z
  .object({
    steps: z.number().int().min(1).max(1_000_000),
    sampleRate: z.number().gt(0).max(1).optional(),
    noiseMultiplier: z.number().gt(0).max(1000).optional(),
  })
  .meta({ id: 'PreviewRoundBody' })
export type PreviewRoundBody = z.infer<typeof PreviewRoundBodySchema>

export const RoundPreviewSchema = z
  .object({
    epsilonBefore: z.number(),
    epsilonAfter: z.number(),
    epsilonBudget: z.number(),
    order: z.number().nullable(),
    wouldExceed: z.boolean(),
  })
  .meta({ id: 'RoundPreview' })
export type RoundPreview = z.infer<typeof RoundPreviewSchema>

/** `details` of BUDGET_EXHAUSTED. */
export const BudgetExhaustedDetailsSchema = z.object({
  epsilonSpent: z.number(),
  epsilonWouldBe: z.number().nullable(),
  epsilonBudget: z.number(),
})

export const CreateAgentKeyBodySchema = z
  .object({ name: z.string().trim().min(1, 'Enter a name.').max(120) })
  .meta({ id: 'CreateAgentKeyBody' })
export type CreateAgentKeyBody = z.infer<typeof CreateAgentKeyBodySchema>

/** A live update, sent as a server-sent event named by `type`. */
export const TrainingEventSchema = z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('round'),
      runId: z.uuid(),
      index: z.number().int(),
      epsilonSpent: z.number(),
      state: RunStateSchema,
    }),
    z.object({ type: z.literal('run'), runId: z.uuid(), state: RunStateSchema }),
  ])
  .meta({ id: 'TrainingEvent' })
export type TrainingEvent = z.infer<typeof TrainingEventSchema>

export const TrainingEventsQuerySchema = z.object({
  runId: z.uuid().optional().meta({ description: 'Only events of this run.' }),
  ...LiveStreamQueryShape,
})

export const TrainingOverviewSchema = z
  .object({
    active: z.array(RunSchema).meta({ description: 'Runs created or running, newest report first (at most 10).' }),
    nearBudget: z.array(RunSchema).meta({ description: 'Runs at 80% of their budget or past it (at most 10).' }),
    latestRounds: z.array(z.object({ run: z.object({ id: z.uuid(), name: z.string() }), round: RoundSchema })),
  })
  .meta({ id: 'TrainingOverview' })
export type TrainingOverview = z.infer<typeof TrainingOverviewSchema>
