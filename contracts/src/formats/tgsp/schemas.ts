// Zod schemas of the four JSON sections (TGSP.md). Unknown fields are kept, never rejected.
import { z } from 'zod'
import { TGSP_CIPHER, TGSP_KEM, TGSP_SIG, TGSP_SIZES, TGSP_VERSION } from './constants'

/** Lowercase hex of exactly `bytes` bytes. */
export function hexOf(bytes: number) {
  return z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `expected ${bytes} bytes as lowercase hex`)
}

export const TgspHashSchema = hexOf(32)

export const TgspHeaderSchema = z.looseObject({
  tgsp_version: z.literal(TGSP_VERSION),
  hashes: z.looseObject({ manifest: TgspHashSchema, recipients: TgspHashSchema, payload: TgspHashSchema }),
  crypto: z.looseObject({
    nonce_base: hexOf(TGSP_SIZES.nonceBase),
    alg: z.literal(TGSP_CIPHER),
    kem: z.literal(TGSP_KEM),
    sig: z.literal(TGSP_SIG),
  }),
})
export type TgspHeader = z.infer<typeof TgspHeaderSchema>

export const TgspAuthorPubkeySchema = z.looseObject({
  classic: hexOf(TGSP_SIZES.ed25519PublicKey),
  pqc: hexOf(TGSP_SIZES.mlDsa65PublicKey),
  alg: z.literal(TGSP_SIG),
})
export type TgspAuthorPubkey = z.infer<typeof TgspAuthorPubkeySchema>

export const TgspContentEntrySchema = z.looseObject({ path: z.string().min(1), sha256: TgspHashSchema })
export type TgspContentEntry = z.infer<typeof TgspContentEntrySchema>

export const TgspManifestSchema = z.looseObject({
  tgsp_version: z.literal(TGSP_VERSION),
  package_id: z.string().regex(/^[0-9a-f]{16}$/, 'expected 16 lowercase hex characters'),
  model_name: z.string().min(1),
  model_version: z.string().min(1),
  author_id: z.string(),
  created_at: z.number().nonnegative(),
  payload_hash: z.union([z.literal('pending'), TgspHashSchema]),
  content_index: z.array(TgspContentEntrySchema),
  policy_constraints: z.looseObject({}),
  build_info: z.looseObject({}),
  compat_base_model_id: z.array(z.string()),
  author_pubkey: TgspAuthorPubkeySchema,
  privacy: z.looseObject({}).optional(),
})
export type TgspManifest = z.infer<typeof TgspManifestSchema>

export const TgspRecipientSchema = z.looseObject({
  recipient_id: z.string().min(1),
  encap: z.looseObject({
    ek_classic: hexOf(TGSP_SIZES.x25519Key),
    ct_pqc: hexOf(TGSP_SIZES.mlKem768Ciphertext),
  }),
  wrapper: z.looseObject({ nonce: hexOf(TGSP_SIZES.wrapperNonce), ct: hexOf(TGSP_SIZES.wrappedKey) }),
})
export type TgspRecipient = z.infer<typeof TgspRecipientSchema>

export const TgspRecipientsSchema = z.array(TgspRecipientSchema).min(1, 'expected at least one recipient')

/** Signature lengths and hex are checked by `checkSignatures`, so that they get their own reasons. */
export const TgspSignatureBlockSchema = z.looseObject({
  key_id: z.string(),
  signature: z.looseObject({ sig_classic: z.string(), sig_pqc: z.string() }),
})
export type TgspSignatureBlock = z.infer<typeof TgspSignatureBlockSchema>
