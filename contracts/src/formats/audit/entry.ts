import canonicalize from 'canonicalize'
import { z } from 'zod'

/** Lowercase hex of a SHA-256 hash. */
export const HexHashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'Expected 64 lowercase hex characters.')

export const AUDIT_ACTOR_TYPES = ['user', 'api_key', 'anonymous', 'system'] as const
export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const

/**
 * One audit entry as it is hashed into the log: its bytes are the RFC 8785 (JCS) canonical JSON
 * of exactly these fields, UTF-8 encoded. `seq` is the entry's leaf index (0-based) and
 * `prevHash` the leaf hash of entry `seq - 1` (null for the first entry).
 */
export const AuditEntryBodySchema = z
  .object({
    seq: z.number().int().nonnegative(),
    time: z.string(),
    actor: z
      .object({ type: z.enum(AUDIT_ACTOR_TYPES), id: z.string().nullable(), name: z.string().nullable() })
      .strict(),
    action: z.string().min(1),
    resource: z.object({ type: z.string().min(1), id: z.string().nullable() }).strict(),
    outcome: z.enum(AUDIT_OUTCOMES),
    requestId: z.string().nullable(),
    clientIp: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    prevHash: HexHashSchema.nullable(),
  })
  .strict()
export type AuditEntryBody = z.infer<typeof AuditEntryBodySchema>

/** The canonical JSON text of an entry (RFC 8785). */
export function canonicalEntryText(body: AuditEntryBody): string {
  const text = canonicalize(body)
  if (text === undefined) throw new Error('entry is not serialisable')
  return text
}

/** The bytes that are hashed into the log for an entry. */
export function encodeEntry(body: AuditEntryBody): Uint8Array {
  return new TextEncoder().encode(canonicalEntryText(body))
}

/**
 * Parses canonical entry text back into its fields, and checks that the text is exactly the
 * canonical form of what it holds (so two different texts can never show the same entry).
 */
export function parseEntryText(text: string): { ok: true; body: AuditEntryBody } | { ok: false; reason: string } {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return { ok: false, reason: 'not JSON' }
  }
  const parsed = AuditEntryBodySchema.safeParse(raw)
  if (!parsed.success)
    return { ok: false, reason: `not an audit entry: ${parsed.error.issues[0]?.message ?? 'invalid'}` }
  if (canonicalEntryText(parsed.data) !== text) return { ok: false, reason: 'not in canonical form' }
  return { ok: true, body: parsed.data }
}
