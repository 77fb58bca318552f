// The offline audit export format, tensorguardflow.audit-bundle/v2 (verified by bundle.ts).
import { z } from 'zod'
import { HexHashSchema } from './entry'
import { AuditEntryFilterSchema } from './filter'
import { AUDIT_KEY_ALGORITHMS } from './key-algorithms'

export const AUDIT_BUNDLE_FORMAT = 'tensorguardflow.audit-bundle/v2'
/**
 * The first format, which did not state the range it covers: a verifier cannot tell a v1 bundle
 * with entries removed from a complete one, so v1 bundles are refused (see verifyBundle).
 */
export const AUDIT_BUNDLE_FORMAT_V1 = 'tensorguardflow.audit-bundle/v1'

const SizeSchema = z.number().int().nonnegative()

/** An aligned perfect subtree: it covers leaves [index * 2^level, (index + 1) * 2^level). */
export const BundleSubtreeSchema = z
  .object({ level: z.number().int().min(0).max(52), index: SizeSchema, hash: HexHashSchema })
  .strict()
export type BundleSubtree = z.infer<typeof BundleSubtreeSchema>

/** A signing key of the log, as a bundle or an entry proof lists it. */
export const BundlePublicKeySchema = z
  .object({
    name: z.string().min(1),
    algorithm: z.enum(AUDIT_KEY_ALGORITHMS),
    publicKey: z.string(),
    keyId: z.string().regex(/^[0-9a-f]{8}$/, 'Expected 8 lowercase hex characters.'),
    status: z.enum(['active', 'retired']),
  })
  .strict()

export const AuditBundleSchema = z
  .object({
    format: z.literal(AUDIT_BUNDLE_FORMAT),
    origin: z.string().min(1),
    createdAt: z.string(),
    /**
     * The entries the bundle covers, [fromSeq, toSeq) (toSeq exclusive), of the tree of size
     * `treeSize`, which is the last checkpoint's.
     */
    range: z.object({ fromSeq: SizeSchema, toSeq: SizeSchema, treeSize: SizeSchema }).strict(),
    /** Null: `entries` holds every entry of the range. Otherwise only the entries that match it. */
    filter: AuditEntryFilterSchema.nullable(),
    publicKeys: z.array(BundlePublicKeySchema),
    /** Ascending tree size; entries are proven against the last one. */
    checkpoints: z.array(z.object({ note: z.string() }).strict()).min(1),
    /** One proof per consecutive pair of checkpoints. */
    consistency: z.array(
      z.object({ fromSize: SizeSchema, toSize: SizeSchema, proof: z.array(HexHashSchema) }).strict(),
    ),
    /** Ascending seq, all within the range; inclusion proofs against the last checkpoint. */
    entries: z.array(z.object({ seq: SizeSchema, canonical: z.string(), proof: z.array(HexHashSchema) }).strict()),
    /**
     * Every leaf of the tree that is not in `entries`, as aligned perfect subtrees in leaf order:
     * with the entries they make up the whole tree, so its root proves that each seq is accounted
     * for. None crosses the range's bounds; the leaf just before an included entry is given alone
     * (level 0), so that entry's prevHash link can be checked.
     */
    omitted: z.array(BundleSubtreeSchema),
  })
  .strict()
export type AuditBundle = z.infer<typeof AuditBundleSchema>
