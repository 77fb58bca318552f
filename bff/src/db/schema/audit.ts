import { sql } from 'drizzle-orm'
import {
  bigint,
  bigserial,
  index,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core'
import { createdAt, bytea, at } from './columns'

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
    /** Search by entry hash (the console's and `tgctl`'s lookup of one entry by its leaf hash). */
    index('audit_log_leaf_hash_idx').on(t.leafHash),
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
