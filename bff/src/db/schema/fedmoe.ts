import { sql } from 'drizzle-orm'
import {
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { createdAt } from './columns'
import { tgspPackages } from './tgsp'

/** FedMoE: a family of expert adapters over one base model. */
export const expertFamilies = pgTable(
  'expert_families',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull().unique(),
    baseModel: text('base_model').notNull(),
    description: text('description').notNull().default(''),
    createdBy: text('created_by'),
    createdAt: createdAt(),
  },
  (t) => [
    index('expert_families_created_idx').on(t.createdAt, t.id),
    index('expert_families_base_idx').on(t.baseModel),
  ],
)

/** A semver version of a family; `last_gate` is the summary of its last gate evaluation. */
export const expertVersions = pgTable(
  'expert_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    expertId: uuid('expert_id')
      .notNull()
      .references(() => expertFamilies.id, { onDelete: 'cascade' }),
    version: text('version').notNull(),
    packageId: uuid('package_id').references(() => tgspPackages.id),
    notes: text('notes').notNull().default(''),
    status: text('status', { enum: ['adapting', 'validated', 'deployed', 'archived'] }).notNull(),
    lastGate: jsonb('last_gate'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('expert_versions_identity_idx').on(t.expertId, t.version),
    index('expert_versions_status_idx').on(t.status),
  ],
)

/** What was live on each family and channel, and when; one open row per (family, channel). */
export const expertDeployments = pgTable(
  'expert_deployments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    expertId: uuid('expert_id')
      .notNull()
      .references(() => expertFamilies.id, { onDelete: 'cascade' }),
    versionId: uuid('version_id')
      .notNull()
      .references(() => expertVersions.id),
    channel: text('channel').notNull(),
    action: text('action', { enum: ['deploy', 'rollback'] }).notNull(),
    reason: text('reason').notNull().default(''),
    deployedBy: text('deployed_by'),
    deployedAt: timestamp('deployed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    endedAt: timestamp('ended_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('expert_deployments_live_idx')
      .on(t.expertId, t.channel)
      .where(sql`ended_at is null`),
    index('expert_deployments_history_idx').on(t.expertId, t.deployedAt, t.id),
    index('expert_deployments_version_idx').on(t.versionId),
  ],
)

/** Gate policies: one per family that has its own, and the platform default (expert_id null). */
export const expertGatePolicies = pgTable(
  'expert_gate_policies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    expertId: uuid('expert_id')
      .unique()
      .references(() => expertFamilies.id, { onDelete: 'cascade' }),
    policy: jsonb('policy').notNull(),
    updatedBy: text('updated_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  () => [
    uniqueIndex('expert_gate_policies_default_idx')
      .on(sql`(expert_id is null)`)
      .where(sql`expert_id is null`),
  ],
)

/** Typed evidence of a version; `body` is the validated evidence without its traces. */
export const expertEvidence = pgTable(
  'expert_evidence',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    expertId: uuid('expert_id')
      .notNull()
      .references(() => expertFamilies.id, { onDelete: 'cascade' }),
    versionId: uuid('version_id')
      .notNull()
      .references(() => expertVersions.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    /** `sha256:` + hex SHA-256 of the RFC 8785 canonical JSON of the whole validated body. */
    digest: text('digest').notNull(),
    body: jsonb('body').notNull(),
    summary: jsonb('summary').notNull(),
    benchmark: text('benchmark'),
    nSamples: integer('n_samples'),
    metrics: jsonb('metrics'),
    traceCount: integer('trace_count').notNull().default(0),
    idempotencyKey: text('idempotency_key'),
    createdAt: createdAt(),
    createdByUser: text('created_by_user'),
    createdByKey: text('created_by_key'),
  },
  (t) => [
    uniqueIndex('expert_evidence_idempotency_idx').on(t.versionId, t.idempotencyKey),
    index('expert_evidence_type_idx').on(t.versionId, t.type, t.createdAt),
    index('expert_evidence_benchmark_idx').on(t.versionId, t.benchmark, t.createdAt),
  ],
)

/** One row per trace of an evidence item, paged by (evidence_id, ordinal). */
export const expertTraces = pgTable(
  'expert_traces',
  {
    evidenceId: uuid('evidence_id')
      .notNull()
      .references(() => expertEvidence.id, { onDelete: 'cascade' }),
    ordinal: integer('ordinal').notNull(),
    versionId: uuid('version_id').notNull(),
    benchmark: text('benchmark'),
    /** SHA-256 hex of the canonical JSON of `input`: aligns traces of several versions. */
    inputKey: text('input_key').notNull(),
    input: jsonb('input').notNull(),
    output: jsonb('output').notNull(),
    expected: jsonb('expected'),
    /** SHA-256 hex of the canonical JSON of `output`: finds disagreements without comparing JSON. */
    outputKey: text('output_key').notNull(),
    score: real('score').notNull(),
    latencyMs: real('latency_ms').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.evidenceId, t.ordinal] }),
    index('expert_traces_input_idx').on(t.evidenceId, t.inputKey),
    index('expert_traces_version_input_idx').on(t.versionId, t.benchmark, t.inputKey),
  ],
)
