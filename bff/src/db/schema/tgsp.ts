import { sql } from 'drizzle-orm'
import {
  bigint,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { createdAt } from './columns'

/** Publishers whose signing keys an admin registered; packages must be signed by one of them. */
export const tgspPublishers = pgTable('tgsp_publishers', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  classic: text('classic').notNull(),
  pqc: text('pqc').notNull(),
  /** SHA-256 of both public keys: one publisher per key pair. */
  fingerprint: text('fingerprint').notNull().unique(),
  createdAt: createdAt(),
  revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
})

/** Verified packages. Rejected uploads leave no row (their verification result is in the audit log). */
export const tgspPackages = pgTable(
  'tgsp_packages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    packageId: text('package_id').notNull(),
    modelName: text('model_name').notNull(),
    modelVersion: text('model_version').notNull(),
    status: text('status', { enum: ['verified', 'signer_revoked', 'verification_failed'] }).notNull(),
    publisherId: uuid('publisher_id')
      .notNull()
      .references(() => tgspPublishers.id),
    baseModels: text('base_models').array().notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    /** The blob address: SHA-256 over the digests of every section (binds every byte). */
    contentId: text('content_id').notNull().unique(),
    /** The manifest exactly as uploaded (UTF-8 JSON), so that it is shown as signed. */
    manifestJson: text('manifest_json').notNull(),
    manifestSha256: text('manifest_sha256').notNull(),
    recipientsSha256: text('recipients_sha256').notNull(),
    payloadSha256: text('payload_sha256').notNull(),
    recipientsCount: integer('recipients_count').notNull(),
    checks: jsonb('checks').notNull(),
    uploadedBy: text('uploaded_by'),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** When `checks` and `status` were last decided: the upload's transaction, or the latest re-verification. */
    verifiedAt: timestamp('verified_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Labels set by publishers and admins (`key=value` or plain tags), sorted, unique. */
    labels: text('labels')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Completed downloads of the whole file, incremented by one UPDATE when the stream ends. */
    downloads: bigint('downloads', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    uniqueIndex('tgsp_packages_identity_idx').on(t.packageId, t.modelVersion),
    index('tgsp_packages_uploaded_idx').on(t.uploadedAt, t.id),
    index('tgsp_packages_publisher_idx').on(t.publisherId),
    index('tgsp_packages_labels_idx').using('gin', t.labels),
    // The list's other sorts and its status filter (keyset order: the column, then the id).
    index('tgsp_packages_model_name_idx').on(t.modelName, t.id),
    index('tgsp_packages_size_idx').on(t.sizeBytes, t.id),
    index('tgsp_packages_downloads_idx').on(t.downloads, t.id),
    index('tgsp_packages_status_idx').on(t.status, t.uploadedAt, t.id),
    // The search `q` (model name contains, package id starts with): trigram indexes (pg_trgm).
    index('tgsp_packages_model_name_trgm_idx').using('gin', t.modelName.op('gin_trgm_ops')).with({ fastupdate: 'off' }),
    index('tgsp_packages_package_id_trgm_idx').using('gin', t.packageId.op('gin_trgm_ops')).with({ fastupdate: 'off' }),
  ],
)

/**
 * Every base model some package names, with how many do: the packages list's base-model filter
 * options, kept by triggers on `tgsp_packages` (migration 0019) in the writing transaction, so
 * that a page does not read every package to list them.
 */
export const tgspBaseModels = pgTable('tgsp_base_models', {
  name: text('name').primaryKey(),
  packages: integer('packages').notNull(),
})

export const tgspFleets = pgTable('tgsp_fleets', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  /** Release policy: minutes a package must be live on a channel before it may go to the next one. */
  soakMinutes: integer('soak_minutes').notNull().default(0),
  /**
   * Release policy, health: with a maximum failure rate set, a package reaches the next channel only
   * when its fleet agents' reports on the previous channel reach these minimums and stay under it.
   */
  healthMaxFailureRate: doublePrecision('health_max_failure_rate'),
  healthMinReports: integer('health_min_reports').notNull().default(1),
  healthMinSamples: integer('health_min_samples').notNull().default(1),
  createdAt: createdAt(),
  archivedAt: timestamp('archived_at', { withTimezone: true, mode: 'date' }),
})

/**
 * What was live on each fleet and channel, and when. The one active release of a fleet and
 * channel has no `superseded_at`; a partial unique index keeps it one across replicas.
 */
export const tgspReleases = pgTable(
  'tgsp_releases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    fleetId: uuid('fleet_id')
      .notNull()
      .references(() => tgspFleets.id),
    channel: text('channel').notNull(),
    packageId: uuid('package_id')
      .notNull()
      .references(() => tgspPackages.id),
    kind: text('kind', { enum: ['promotion', 'rollback'] }).notNull(),
    rollbackOf: uuid('rollback_of'),
    notes: text('notes').notNull().default(''),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    supersededAt: timestamp('superseded_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('tgsp_releases_active_idx')
      .on(t.fleetId, t.channel)
      .where(sql`superseded_at is null`),
    index('tgsp_releases_created_idx').on(t.createdAt, t.id),
    index('tgsp_releases_package_idx').on(t.packageId),
  ],
)

/**
 * Health of a release as its fleet's agents saw it: successes and failures of the package on a
 * fleet and channel over a period. Idempotent per fleet by the agent's Idempotency-Key.
 */
export const tgspHealthReports = pgTable(
  'tgsp_health_reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    fleetId: uuid('fleet_id')
      .notNull()
      .references(() => tgspFleets.id),
    channel: text('channel').notNull(),
    packageId: uuid('package_id')
      .notNull()
      .references(() => tgspPackages.id),
    successes: integer('successes').notNull(),
    failures: integer('failures').notNull(),
    /** SHA-256 of the report's canonical JSON: the same key with another report is a conflict. */
    digest: text('digest').notNull(),
    idempotencyKey: text('idempotency_key'),
    reportedBy: text('reported_by'),
    createdAt: createdAt(),
  },
  (t) => [
    index('tgsp_health_reports_release_idx').on(t.fleetId, t.channel, t.packageId),
    uniqueIndex('tgsp_health_reports_idempotency_idx').on(t.fleetId, t.idempotencyKey),
  ],
)
