// One entry's offline proof (tensorguardflow.audit-entry-proof/v1): the entry's exact canonical
// text, its inclusion proof and the signed checkpoint it leads to, with the log's public keys, in
// one file. It proves that this entry is in the log at its seq as of that checkpoint; unlike a
// bundle it says nothing about the entries around it (the prevHash link is not checked).
import { z } from 'zod'
import { bundleKeys } from './bundle-checkpoints'
import { fail } from './bundle-failure'
import type { BundleFailure, Failed, Where } from './bundle-failure'
import { BundlePublicKeySchema } from './bundle-schema'
import { verifyCheckpoint } from './checkpoint'
import type { VerifiedKey } from './checkpoint'
import { parseEntryText } from './entry'
import type { AuditEntryBody } from './entry'
import { HexHashSchema } from './entry'
import { fromHex, leafHash, toHex } from './hash'
import { inclusionProofRanges, verifyInclusion } from './merkle'
import type { VerifierKey } from './note-keys'

export const AUDIT_ENTRY_PROOF_FORMAT = 'tensorguardflow.audit-entry-proof/v1'

export const AuditEntryProofSchema = z
  .object({
    format: z.literal(AUDIT_ENTRY_PROOF_FORMAT),
    origin: z.string().min(1),
    createdAt: z.string(),
    /** Every signing key of the log (active and retired); the checkpoint names the ones it uses. */
    publicKeys: z.array(BundlePublicKeySchema),
    /** The signed checkpoint (c2sp.org/tlog-checkpoint) the inclusion proof leads to. */
    checkpoint: z.object({ note: z.string() }).strict(),
    /** The entry: its exact canonical text and its inclusion proof (hex, RFC 6962 audit path). */
    entry: z
      .object({ seq: z.number().int().nonnegative(), canonical: z.string(), proof: z.array(HexHashSchema) })
      .strict(),
  })
  .strict()
export type AuditEntryProof = z.infer<typeof AuditEntryProofSchema>

export type EntryProofSummary = {
  seq: number
  /** Hex leaf hash of the entry's canonical text. */
  leafHash: string
  treeSize: number
  origin: string
  keys: VerifiedKey[]
  /** True when no trusted keys were given and the file's own public keys were used. */
  selfCertified: boolean
  entry: AuditEntryBody
}
export type EntryProofVerification = { ok: true; summary: EntryProofSummary } | { ok: false; failure: BundleFailure }

const encoder = new TextEncoder()

function parseEntryProof(file: unknown): AuditEntryProof | Failed {
  const parsed = AuditEntryProofSchema.safeParse(file)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const path = issue?.path.length ? issue.path.join('.') : 'proof'
  return fail(
    { subject: 'bundle', label: 'entry proof' },
    'schema',
    `not an entry proof: ${path}: ${issue?.message ?? 'invalid'}`,
    'format',
  )
}

/**
 * Verifies one entry's proof offline: the public keys against their key IDs, both signatures of
 * the checkpoint (against `trustedKeys`, or else the file's own keys, reported as
 * self-certified), its origin, then the entry's canonical form, its seq inside the checkpoint's
 * tree and its inclusion proof up to the checkpoint's root. Stops at the first broken link.
 */
export async function verifyEntryProof(
  file: unknown,
  options: { trustedKeys?: VerifierKey[] } = {},
): Promise<EntryProofVerification> {
  const data = parseEntryProof(file)
  if ('ok' in data) return data
  const ownKeys = bundleKeys(data)
  if (!Array.isArray(ownKeys)) return ownKeys
  const result = await verifyCheckpoint(data.checkpoint.note, options.trustedKeys ?? ownKeys)
  if (!result.ok) return fail({ subject: 'checkpoint', label: 'checkpoint' }, result.check, result.reason)
  const { checkpoint } = result
  const { treeSize } = checkpoint
  const at: Where = { subject: 'checkpoint', treeSize, label: `checkpoint (tree size ${treeSize})` }
  if (checkpoint.origin !== data.origin)
    return fail(
      at,
      'origin',
      `origin ${JSON.stringify(checkpoint.origin)} is not the file's ${JSON.stringify(data.origin)}`,
    )
  const { seq, canonical } = data.entry
  const where: Where = { subject: 'entry', seq, label: `entry ${seq}` }
  const parsed = parseEntryText(canonical)
  if (!parsed.ok) return fail(where, 'canonical', parsed.reason)
  if (parsed.body.seq !== seq) return fail(where, 'seq', `the entry text says seq ${parsed.body.seq}`)
  if (seq >= treeSize) return fail(where, 'range', `is not in the checkpoint's tree of size ${treeSize}`)
  const leaf = leafHash(encoder.encode(canonical))
  const expected = inclusionProofRanges(seq, treeSize).length
  if (data.entry.proof.length !== expected)
    return fail(where, 'inclusion', `inclusion proof has ${data.entry.proof.length} hashes, ${expected} expected`)
  const proof = data.entry.proof.map(fromHex)
  if (!verifyInclusion({ leafIndex: seq, treeSize, leafHash: leaf, proof, rootHash: checkpoint.rootHash }))
    return fail(where, 'inclusion', 'inclusion proof does not lead to the checkpoint root')
  return {
    ok: true,
    summary: {
      seq,
      leafHash: toHex(leaf),
      treeSize,
      origin: data.origin,
      keys: result.verifiedBy,
      selfCertified: options.trustedKeys === undefined,
      entry: parsed.body,
    },
  }
}
