// The offline audit export format, tensorguardflow.audit-bundle/v1 (verified by bundle.ts).
import { z } from 'zod'
import { HexHashSchema } from './entry'
import { AUDIT_KEY_ALGORITHMS } from './note-keys'

export const AUDIT_BUNDLE_FORMAT = 'tensorguardflow.audit-bundle/v1'

const SizeSchema = z.number().int().nonnegative()

export const AuditBundleSchema = z
  .object({
    format: z.literal(AUDIT_BUNDLE_FORMAT),
    origin: z.string().min(1),
    createdAt: z.string(),
    filter: z.record(z.string(), z.unknown()),
    publicKeys: z.array(
      z
        .object({
          name: z.string().min(1),
          algorithm: z.enum(AUDIT_KEY_ALGORITHMS),
          publicKey: z.string(),
          keyId: z.string().regex(/^[0-9a-f]{8}$/, 'Expected 8 lowercase hex characters.'),
          status: z.enum(['active', 'retired']),
        })
        .strict(),
    ),
    /** Ascending tree size; entries are proven against the last one. */
    checkpoints: z.array(z.object({ note: z.string() }).strict()).min(1),
    /** One proof per consecutive pair of checkpoints. */
    consistency: z.array(
      z.object({ fromSize: SizeSchema, toSize: SizeSchema, proof: z.array(HexHashSchema) }).strict(),
    ),
    /** Ascending seq; inclusion proofs against the last checkpoint. */
    entries: z.array(z.object({ seq: SizeSchema, canonical: z.string(), proof: z.array(HexHashSchema) }).strict()),
  })
  .strict()
export type AuditBundle = z.infer<typeof AuditBundleSchema>
