import { sql } from 'drizzle-orm'
import {
  bigint,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core'
import { createdAt } from './columns'

/**
 * A training run and its privacy ledger: `rdp` is the run's accumulated RDP, one value per order
 * of the accountant (`DEFAULT_ORDERS`); each round adds its steps times its per-step vector.
 */
export const trainingRuns = pgTable(
  'training_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    baseModel: text('base_model').notNull(),
    adapter: jsonb('adapter').notNull(),
    plannedRounds: integer('planned_rounds').notNull(),
    stepsPerRound: integer('steps_per_round').notNull(),
    noiseMultiplier: doublePrecision('noise_multiplier').notNull(),
    clippingNorm: doublePrecision('clipping_norm').notNull(),
    sampleRate: doublePrecision('sample_rate').notNull(),
    delta: doublePrecision('delta').notNull(),
    epsilonBudget: doublePrecision('epsilon_budget').notNull(),
    datasetSize: bigint('dataset_size', { mode: 'number' }),
    state: text('state', {
      enum: ['created', 'running', 'completed', 'stopped', 'failed', 'budget_exhausted'],
    }).notNull(),
    stateReason: text('state_reason'),
    warnings: text('warnings').array().notNull(),
    /** Null for a run recorded before the ledger kept it: rebuilt from its rounds at start-up. */
    rdp: doublePrecision('rdp').array(),
    /** Epsilon at the planned rounds if the rest use the declared settings (kept with each round). */
    projectedEpsilon: doublePrecision('projected_epsilon'),
    epsilonSpent: doublePrecision('epsilon_spent').notNull().default(0),
    epsilonOrder: doublePrecision('epsilon_order'),
    roundsRecorded: integer('rounds_recorded').notNull().default(0),
    lastRoundIndex: integer('last_round_index'),
    lastReportAt: timestamp('last_report_at', { withTimezone: true, mode: 'date' }),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    endedAt: timestamp('ended_at', { withTimezone: true, mode: 'date' }),
    /** Operators' tags, `key` or `key=value`, keys unique (see RUN_TAGS_MAX). */
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Operators' free-text note, plain text. */
    note: text('note').notNull().default(''),
    /** The TGSP package the run's agent reported it produced (console id); set once. */
    producedPackageId: uuid('produced_package_id'),
    /** That package's identity when reported ({ id, packageId, modelName, modelVersion, contentId }). */
    producedPackage: jsonb('produced_package'),
    producedReportedAt: timestamp('produced_reported_at', { withTimezone: true, mode: 'date' }),
    producedReportedBy: text('produced_reported_by'),
  },
  (t) => [
    index('training_runs_created_idx').on(t.createdAt, t.id),
    index('training_runs_state_idx').on(t.state),
    index('training_runs_tags_idx').using('gin', t.tags),
    index('training_runs_produced_idx').on(t.producedPackageId),
    // The list's other sorts (the column, then the id; see listRuns for the nulls of last_report_at).
    index('training_runs_name_idx').on(t.name, t.id),
    index('training_runs_epsilon_idx').on(t.epsilonSpent, t.id),
    index('training_runs_last_report_idx').on(t.lastReportAt.desc().nullsLast(), t.id.desc().nullsFirst()),
    // Oldest report first, runs without one still last: the index above read backwards puts them first.
    index('training_runs_last_report_asc_idx').on(t.lastReportAt.asc().nullsLast(), t.id.asc()),
    // The search `q` (name or base model contains): trigram indexes (pg_trgm).
    index('training_runs_name_trgm_idx').using('gin', t.name.op('gin_trgm_ops')).with({ fastupdate: 'off' }),
    index('training_runs_base_model_trgm_idx').using('gin', t.baseModel.op('gin_trgm_ops')).with({ fastupdate: 'off' }),
  ],
)

export const trainingRounds = pgTable(
  'training_rounds',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => trainingRuns.id, { onDelete: 'cascade' }),
    index: integer('round_index').notNull(),
    clients: integer('clients').notNull(),
    steps: integer('steps').notNull(),
    sampleRate: doublePrecision('sample_rate').notNull(),
    noiseMultiplier: doublePrecision('noise_multiplier').notNull(),
    clippingNorm: doublePrecision('clipping_norm').notNull(),
    metrics: jsonb('metrics').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true, mode: 'date' }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    reportedBy: text('reported_by'),
    /** SHA-256 of the report's canonical JSON: the same report again is a replay, another one a conflict. */
    reportHash: text('report_hash').notNull(),
    /** The run's epsilon once this round was recorded; null only before the ledger rebuild of older runs. */
    epsilonAfter: doublePrecision('epsilon_after'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.index] }), index('training_rounds_received_idx').on(t.receivedAt)],
)
