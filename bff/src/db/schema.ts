import { sql } from 'drizzle-orm'
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull().unique(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    roles: text('roles').array().notNull(),
    disabledAt: timestamp('disabled_at', { withTimezone: true, mode: 'date' }),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [index('users_created_at_idx').on(t.createdAt, t.id)],
)

export const sessions = pgTable(
  'sessions',
  {
    /** HMAC of the cookie token; the token itself is never stored. */
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    clientIp: text('client_ip'),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
)

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    /** HMAC of the whole key; the key itself is shown once and never stored. */
    secretHash: text('secret_hash').notNull().unique(),
    roles: text('roles').array().notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    /** A key scoped to one training run: its only right is to report that run's rounds. */
    scopeRunId: uuid('scope_run_id'),
    /** A FedMoE ingest key: its only right is to post evidence for versions of these families. */
    scopeExpertIds: uuid('scope_expert_ids').array(),
  },
  (t) => [index('api_keys_prefix_idx').on(t.prefix), index('api_keys_created_at_idx').on(t.createdAt, t.id)],
)

export const setupTokens = pgTable('setup_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
})

/**
 * Sign-in attempt counters per (account, address), per address and per account, shared by every
 * replica. An attempt is charged (`failures` + 1) by one atomic upsert before its password is
 * checked and given back on success; `refused` counts the attempts turned away during the current
 * block, `ended_refused` those of the block that the last charged attempt ended (for the audit
 * summary); `reservation` names the request that last charged the row.
 */
export const signInThrottle = pgTable(
  'sign_in_throttle',
  {
    key: text('key').primaryKey(),
    scope: text('scope').notNull().default('pair'),
    username: text('username'),
    address: text('address'),
    allowance: integer('allowance').notNull().default(5),
    failures: integer('failures').notNull(),
    lastFailureAt: timestamp('last_failure_at', { withTimezone: true, mode: 'date' }).notNull(),
    blockedUntil: timestamp('blocked_until', { withTimezone: true, mode: 'date' }),
    refused: integer('refused').notNull().default(0),
    endedRefused: integer('ended_refused').notNull().default(0),
    reservation: text('reservation'),
  },
  (t) => [index('sign_in_throttle_username_idx').on(t.username)],
)

/** One-time password reset links issued by an admin; the token is stored as an HMAC. */
export const passwordResetTokens = pgTable(
  'password_reset_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('password_reset_tokens_user_idx').on(t.userId)],
)

/** Raw bytes (hashes, public keys). PGlite returns Uint8Array and node-postgres Buffer: both become Buffer. */
const bytea = customType<{ data: Buffer; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
})

const at = () => timestamp('at', { withTimezone: true, mode: 'date' }).notNull()

/**
 * Audit records written by state changes, in the same transaction as the change. The sequencer
 * moves them, in order, into the Merkle log (`audit_log`); this table is only a queue.
 */
export const auditPending = pgTable('audit_pending', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  at: at().defaultNow(),
  actorType: text('actor_type').notNull(),
  actorId: text('actor_id'),
  actorName: text('actor_name'),
  action: text('action').notNull(),
  resourceType: text('resource_type').notNull(),
  resourceId: text('resource_id'),
  outcome: text('outcome').notNull(),
  requestId: text('request_id'),
  clientIp: text('client_ip'),
  details: jsonb('details')
    .notNull()
    .default(sql`'{}'::jsonb`),
})

/**
 * The tamper-evident log: entry `seq` is leaf `seq` of the RFC 6962 Merkle tree. `canonical` is
 * the exact text that is hashed; the other columns are copies for filtering. Append-only.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    at: at(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name'),
    action: text('action').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id'),
    outcome: text('outcome').notNull(),
    canonical: text('canonical').notNull(),
    leafHash: bytea('leaf_hash').notNull(),
  },
  (t) => [
    index('audit_log_action_idx').on(t.action, t.seq),
    index('audit_log_actor_name_idx').on(t.actorName, t.seq),
    index('audit_log_actor_id_idx').on(t.actorId, t.seq),
    index('audit_log_resource_idx').on(t.resourceType, t.resourceId, t.seq),
    index('audit_log_outcome_idx').on(t.outcome, t.seq),
    index('audit_log_at_idx').on(t.at),
  ],
)

/** Every complete perfect subtree of the log: node (level, idx) covers leaves [idx*2^level, (idx+1)*2^level). */
export const auditNodes = pgTable(
  'audit_nodes',
  {
    level: smallint('level').notNull(),
    idx: bigint('idx', { mode: 'number' }).notNull(),
    hash: bytea('hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.level, t.idx] })],
)

/** One row: the log's origin and the state of its tree. Locking it serialises sequencing. */
export const auditHead = pgTable('audit_head', {
  id: smallint('id').primaryKey(),
  origin: text('origin'),
  treeSize: bigint('tree_size', { mode: 'number' }).notNull(),
  /** Hex roots of the perfect subtrees that make up the tree, largest first, comma-separated. */
  frontier: text('frontier').notNull(),
  lastLeafHash: text('last_leaf_hash'),
})

export const auditCheckpoints = pgTable('audit_checkpoints', {
  treeSize: bigint('tree_size', { mode: 'number' }).primaryKey(),
  rootHash: bytea('root_hash').notNull(),
  note: text('note').notNull(),
  createdAt: createdAt(),
})

/**
 * The audit self-check's alarm (one row, id 1), shared by every replica: `failed` with its finding
 * until a complete check of the log from entry 0 finds nothing (modules/audit/integrity).
 */
export const auditIntegrity = pgTable('audit_integrity', {
  id: smallint('id').primaryKey(),
  status: text('status', { enum: ['ok', 'failed', 'unchecked'] }).notNull(),
  /** While failed: { kind, seq, message } of the first bad entry found. */
  finding: jsonb('finding'),
  /** kind:seq of the finding, so that one finding is audited once, not at every check. */
  findingKey: text('finding_key'),
  detectedAt: timestamp('detected_at', { withTimezone: true, mode: 'date' }),
  checkedAt: timestamp('checked_at', { withTimezone: true, mode: 'date' }),
  checkedTreeSize: bigint('checked_tree_size', { mode: 'number' }),
})

export const auditSigningKeys = pgTable('audit_signing_keys', {
  id: uuid('id').primaryKey().defaultRandom(),
  algorithm: text('algorithm').notNull(),
  name: text('name').notNull(),
  keyId: text('key_id').notNull(),
  publicKey: bytea('public_key').notNull(),
  /** The secret key, sealed with AES-256-GCM under a data key wrapped by the TG_KEY_MASTER key. */
  sealedSecret: text('sealed_secret').notNull(),
  status: text('status').notNull(),
  createdAt: createdAt(),
  retiredAt: timestamp('retired_at', { withTimezone: true, mode: 'date' }),
})

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
    status: text('status', { enum: ['verified', 'signer_revoked'] }).notNull(),
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
  },
  (t) => [
    uniqueIndex('tgsp_packages_identity_idx').on(t.packageId, t.modelVersion),
    index('tgsp_packages_uploaded_idx').on(t.uploadedAt, t.id),
    index('tgsp_packages_publisher_idx').on(t.publisherId),
  ],
)

export const tgspFleets = pgTable('tgsp_fleets', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  /** Release policy: minutes a package must be live on a channel before it may go to the next one. */
  soakMinutes: integer('soak_minutes').notNull().default(0),
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
  },
  (t) => [index('training_runs_created_idx').on(t.createdAt, t.id), index('training_runs_state_idx').on(t.state)],
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

/** An integration connector; credentials live sealed in integration_secrets, never in `config`. */
export const integrationConnectors = pgTable(
  'integration_connectors',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull().unique(),
    kind: text('kind', { enum: ['huggingface', 'formant', 'ros2_bridge', 'isaac_lab'] }).notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** The configuration without its credential fields. */
    config: jsonb('config').notNull(),
    status: text('status', { enum: ['unknown', 'healthy', 'degraded', 'unhealthy'] })
      .notNull()
      .default('unknown'),
    lastResultId: uuid('last_result_id'),
    statusChangedAt: timestamp('status_changed_at', { withTimezone: true, mode: 'date' }),
    /** When the scheduler queues its next check. */
    nextCheckAt: timestamp('next_check_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('integration_connectors_next_check_idx').on(t.nextCheckAt)],
)

/** A connector credential sealed with AES-256-GCM under the master key (lib/seal). */
export const integrationSecrets = pgTable(
  'integration_secrets',
  {
    connectorId: uuid('connector_id')
      .notNull()
      .references(() => integrationConnectors.id, { onDelete: 'cascade' }),
    field: text('field').notNull(),
    sealed: text('sealed').notNull(),
    last4: text('last4').notNull(),
    setAt: timestamp('set_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    setBy: text('set_by'),
  },
  (t) => [primaryKey({ columns: [t.connectorId, t.field] })],
)

/** Check jobs: queued by the scheduler or on demand, claimed by a worker with a lease. */
export const connectorChecks = pgTable(
  'connector_checks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    connectorId: uuid('connector_id')
      .notNull()
      .references(() => integrationConnectors.id, { onDelete: 'cascade' }),
    trigger: text('trigger', { enum: ['schedule', 'manual'] }).notNull(),
    state: text('state', { enum: ['queued', 'running', 'done'] })
      .notNull()
      .default('queued'),
    requestedAt: timestamp('requested_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    claimedBy: text('claimed_by'),
    claimExpiresAt: timestamp('claim_expires_at', { withTimezone: true, mode: 'date' }),
    resultId: uuid('result_id'),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('connector_checks_state_idx').on(t.state, t.requestedAt),
    uniqueIndex('connector_checks_one_open_idx')
      .on(t.connectorId)
      .where(sql`state <> 'done'`),
  ],
)

export const connectorCheckResults = pgTable(
  'connector_check_results',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    connectorId: uuid('connector_id')
      .notNull()
      .references(() => integrationConnectors.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['healthy', 'degraded', 'unhealthy'] }).notNull(),
    reason: text('reason'),
    remediation: text('remediation'),
    message: text('message').notNull(),
    latencyMs: integer('latency_ms'),
    details: jsonb('details'),
    checkedAt: timestamp('checked_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('connector_check_results_connector_idx').on(t.connectorId, t.checkedAt, t.id)],
)

export const webhookSubscriptions = pgTable(
  'webhook_subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    url: text('url').notNull(),
    events: text('events').array().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    disabledReason: text('disabled_reason'),
    /** The whsec_ signing secret, sealed under the master key. */
    secretSealed: text('secret_sealed').notNull(),
    secretLast4: text('secret_last4').notNull(),
    secretSetAt: timestamp('secret_set_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Dead deliveries in a row; TG_WEBHOOK_DISABLE_AFTER of them disable the subscription. */
    consecutiveDead: integer('consecutive_dead').notNull().default(0),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('webhook_subscriptions_created_idx').on(t.createdAt, t.id)],
)

/** An event as emitted by a producer, with the exact payload every delivery sends. */
export const webhookEvents = pgTable('webhook_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  payload: jsonb('payload').notNull(),
  createdAt: createdAt(),
})

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => webhookSubscriptions.id, { onDelete: 'cascade' }),
    eventId: text('event_id')
      .notNull()
      .references(() => webhookEvents.id),
    /** The webhook-id of every attempt of this delivery, restarts included. */
    messageId: text('message_id').notNull().unique(),
    status: text('status', { enum: ['pending', 'delivering', 'succeeded', 'failed', 'dead'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).defaultNow(),
    claimedBy: text('claimed_by'),
    claimExpiresAt: timestamp('claim_expires_at', { withTimezone: true, mode: 'date' }),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    replayOf: uuid('replay_of'),
    createdAt: createdAt(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_subscription_idx').on(t.subscriptionId, t.createdAt, t.id),
  ],
)

export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    statusCode: integer('status_code'),
    latencyMs: integer('latency_ms').notNull(),
    responseSnippet: text('response_snippet'),
    error: text('error'),
    succeeded: boolean('succeeded').notNull(),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.number)],
)
