import { z } from 'zod'
import { PageQuerySchema, TimestampSchema, pageOf } from '../common/pagination'
import { AUDIT_OUTCOMES, HexHashSchema } from '../formats/audit/entry'

export const AUDIT_LEAVES_MAX = 5000
export const AUDIT_EXPORT_MAX = 100_000
/** Most leaves one streamed request may ask for (about 400 MB of NDJSON at 400 bytes a leaf). */
export const AUDIT_LEAF_STREAM_MAX = 1_048_576
/** Media type of the streamed leaves: one `{"seq":N,"canonical":"…"}` JSON object per line. */
export const AUDIT_LEAF_STREAM_MEDIA_TYPE = 'application/x-ndjson'

const SeqSchema = z.coerce.number().int().nonnegative()
const TreeSizeQuery = z.coerce
  .number()
  .int()
  .positive()
  .optional()
  .meta({ description: 'Prove against the checkpoint of this tree size (default: the latest).' })

/** An entry as stored: its exact canonical bytes (UTF-8 text) and, when asked for, its proof. */
export const AuditEntryRecordSchema = z
  .object({
    seq: z.number().int().nonnegative(),
    canonical: z.string().meta({ description: 'The RFC 8785 canonical JSON that is hashed into the log.' }),
    leafHash: HexHashSchema,
    proof: z
      .object({ treeSize: z.number().int().positive(), hashes: z.array(HexHashSchema) })
      .nullable()
      .meta({ description: 'Inclusion proof; null when the entry is newer than the checkpoint proven against.' }),
  })
  .meta({ id: 'AuditEntryRecord' })
export type AuditEntryRecord = z.infer<typeof AuditEntryRecordSchema>

export const AuditCheckpointSchema = z
  .object({
    treeSize: z.number().int().positive(),
    rootHash: z.string().meta({ description: 'Base64 root hash, as in the note.' }),
    note: z.string().meta({ description: 'The signed checkpoint (c2sp.org/tlog-checkpoint signed note).' }),
    createdAt: TimestampSchema,
  })
  .meta({ id: 'AuditCheckpoint' })
export type AuditCheckpoint = z.infer<typeof AuditCheckpointSchema>

/** The most missing spans one answer lists (lowest first); one is enough to refuse to say verified. */
export const AUDIT_MISSING_SPANS_MAX = 100

export const SeqSpanSchema = z
  .object({ first: z.number().int().nonnegative(), last: z.number().int().nonnegative() })
  .meta({ id: 'SeqSpan', description: 'Sequence numbers first..last, both included.' })
export type SeqSpan = z.infer<typeof SeqSpanSchema>

const MissingSchema = z.array(SeqSpanSchema).max(AUDIT_MISSING_SPANS_MAX)

export const AuditEntryPageSchema = pageOf(AuditEntryRecordSchema)
  .extend({
    treeSize: z.number().int().positive().nullable().meta({ description: 'Tree size the proofs are against.' }),
    pending: z.number().int().nonnegative().meta({ description: 'Recorded entries not yet sequenced into the log.' }),
    missing: MissingSchema.meta({
      description:
        'Sequence numbers of the log that this page spans (from the newest entry, or the previous page, down to its ' +
        'last entry, or to 0 on the last page) for which no entry is stored: deleted, not filtered out. Lowest first, ' +
        `at most ${AUDIT_MISSING_SPANS_MAX} spans; empty when the log is whole there.`,
    }),
  })
  .meta({ id: 'AuditEntryPage' })
export type AuditEntryPage = z.infer<typeof AuditEntryPageSchema>

export const AuditFilterSchema = z.object({
  actor: z.string().trim().max(200).optional().meta({ description: 'Actor name or id, exact.' }),
  action: z
    .string()
    .trim()
    .max(100)
    .optional()
    .meta({ description: 'Action, or a prefix ending in "." (e.g. "auth.").' }),
  resourceType: z.string().trim().max(60).optional(),
  resourceId: z.string().trim().max(200).optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  from: TimestampSchema.optional().meta({ description: 'Entries at or after this time.' }),
  to: TimestampSchema.optional().meta({ description: 'Entries before this time.' }),
})
export type AuditFilter = z.infer<typeof AuditFilterSchema>

export const ListAuditEntriesQuerySchema = PageQuerySchema.extend(AuditFilterSchema.shape).extend({
  seq: SeqSchema.optional().meta({ description: 'The entry of this sequence number (leaf index) only.' }),
  hash: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[0-9a-f]{64}$/, 'Expected the 64 hex digits of an entry (leaf) hash.')
    .optional()
    .meta({ description: 'The entry whose RFC 6962 leaf hash (hex) is this.' }),
  treeSize: TreeSizeQuery,
  withProofs: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true')
    .meta({ description: 'Include inclusion proofs (default true).' }),
})
export type ListAuditEntriesQuery = z.infer<typeof ListAuditEntriesQuerySchema>

export const AuditSeqParamSchema = z.object({ seq: SeqSchema })
export const AuditEntryDetailQuerySchema = z.object({ treeSize: TreeSizeQuery })

export const AuditEntryDetailSchema = z
  .object({ entry: AuditEntryRecordSchema, checkpoint: AuditCheckpointSchema.nullable() })
  .meta({ id: 'AuditEntryDetail' })
export type AuditEntryDetail = z.infer<typeof AuditEntryDetailSchema>

export const AuditLeavesQuerySchema = z.object({
  start: SeqSchema.meta({ description: 'First leaf index.' }),
  count: z.coerce.number().int().min(1).max(AUDIT_LEAVES_MAX),
})
export const AuditLeafStreamQuerySchema = z
  .object({
    start: SeqSchema.meta({ description: 'First leaf index.' }),
    end: z.coerce.number().int().positive().meta({ description: 'One past the last leaf index.' }),
  })
  .refine((q) => q.end > q.start && q.end - q.start <= AUDIT_LEAF_STREAM_MAX, {
    message: `end must be above start and at most ${AUDIT_LEAF_STREAM_MAX} leaves after it`,
    path: ['end'],
  })
/** One line of the leaf stream. */
export const AuditLeafLineSchema = z.object({ seq: z.number().int().nonnegative(), canonical: z.string() })
export type AuditLeafLine = z.infer<typeof AuditLeafLineSchema>

export const AuditLeavesSchema = z
  .object({
    start: z.number().int().nonnegative(),
    treeSize: z.number().int().nonnegative().meta({ description: 'Sequenced entries at the time of the answer.' }),
    entries: z
      .array(z.object({ seq: z.number().int().nonnegative(), canonical: z.string() }))
      .meta({ description: 'Leaves from start, ascending; a missing seq is a missing entry.' }),
    missing: MissingSchema.meta({
      description: 'Sequence numbers below treeSize in the asked range for which no entry is stored (lowest first).',
    }),
  })
  .meta({ id: 'AuditLeaves' })
export type AuditLeaves = z.infer<typeof AuditLeavesSchema>

export const AuditCheckpointPageSchema = pageOf(AuditCheckpointSchema).meta({ id: 'AuditCheckpointPage' })
export type AuditCheckpointPage = z.infer<typeof AuditCheckpointPageSchema>

export const ConsistencyQuerySchema = z.object({ from: SeqSchema, to: SeqSchema })
export const ConsistencyProofSchema = z
  .object({
    fromSize: z.number().int().nonnegative(),
    toSize: z.number().int().nonnegative(),
    hashes: z.array(HexHashSchema),
  })
  .meta({ id: 'ConsistencyProof' })
export type ConsistencyProof = z.infer<typeof ConsistencyProofSchema>

export const AuditSigningKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    algorithm: z.enum(['ed25519', 'ml-dsa-65']),
    keyId: z.string().regex(/^[0-9a-f]{8}$/),
    publicKey: z.string().meta({ description: 'Base64 public key.' }),
    verifierKey: z.string().meta({ description: 'name+keyid+base64(type||key), for TG_AUDIT_PINNED_KEYS.' }),
    fingerprint: HexHashSchema.meta({ description: 'SHA-256 of the public key, to compare out of band.' }),
    status: z.enum(['active', 'retired']),
    createdAt: TimestampSchema,
    retiredAt: TimestampSchema.nullable(),
  })
  .meta({ id: 'AuditSigningKey' })
export type AuditSigningKey = z.infer<typeof AuditSigningKeySchema>

export const AuditKeysSchema = z
  .object({
    origin: z.string(),
    pinned: z.array(z.string()).meta({ description: 'Verifier keys pinned by configuration (TG_AUDIT_PINNED_KEYS).' }),
    keys: z.array(AuditSigningKeySchema),
    canRotate: z.boolean().meta({ description: 'Whether the caller may rotate the keys (admin).' }),
  })
  .meta({ id: 'AuditKeys' })
export type AuditKeys = z.infer<typeof AuditKeysSchema>

export const AuditExportQuerySchema = AuditFilterSchema.extend({
  fromSeq: SeqSchema.optional(),
  toSeq: SeqSchema.optional().meta({ description: 'Exclusive upper bound.' }),
})
export type AuditExportQuery = z.infer<typeof AuditExportQuerySchema>

export const AUDIT_INTEGRITY_FINDINGS = ['missing', 'extra', 'altered', 'chain', 'node', 'root', 'checkpoint'] as const

export const AuditIntegritySchema = z
  .object({
    status: z.enum(['ok', 'failed', 'unchecked']).meta({
      description: "The server's own check of its stored log against its stored tree (unchecked until the first one).",
    }),
    finding: z
      .object({
        kind: z.enum(AUDIT_INTEGRITY_FINDINGS),
        seq: z.number().int().nonnegative().nullable().meta({ description: 'The first bad sequence number.' }),
        message: z.string(),
        detectedAt: TimestampSchema,
      })
      .nullable()
      .meta({ description: 'What the check found while failed; null otherwise.' }),
    checkedAt: TimestampSchema.nullable().meta({ description: 'When a check (by any replica) last completed.' }),
    checkedTreeSize: z.number().int().nonnegative().nullable(),
  })
  .meta({ id: 'AuditIntegrity' })
export type AuditIntegrity = z.infer<typeof AuditIntegritySchema>

export const AuditKeyRotationSchema = z
  .object({
    seq: z.number().int().nonnegative().meta({ description: 'The audit entry that recorded the rotation.' }),
    rotatedAt: TimestampSchema,
    statement: z.string().meta({
      description:
        'Signed note (tensorguardflow.audit-key-rotation/v1) naming the outgoing and incoming verifier keys, signed by both outgoing keys.',
    }),
  })
  .meta({ id: 'AuditKeyRotation' })
export type AuditKeyRotation = z.infer<typeof AuditKeyRotationSchema>

export const AuditKeyRotationsSchema = z
  .object({ items: z.array(AuditKeyRotationSchema).meta({ description: 'Oldest first.' }) })
  .meta({ id: 'AuditKeyRotations' })
export type AuditKeyRotations = z.infer<typeof AuditKeyRotationsSchema>
