// A package detail as the server answers it, for tests that need a whole valid one.
const UUID = '0b3a8f0e-8a5e-4d55-9d0f-3c1f6f7d2a10'
const HASH = 'a'.repeat(64)
const CHECK_OK = { ok: true, reason: null }
export const CHECKS = {
  structure: CHECK_OK,
  hashes: CHECK_OK,
  signatures: CHECK_OK,
  signer: CHECK_OK,
  identity: CHECK_OK,
}
const PUBLISHER = {
  id: UUID,
  name: 'Acme',
  classic: 'b'.repeat(64),
  pqc: 'c'.repeat(3904),
  fingerprint: HASH,
  status: 'active',
  packages: 1,
  liveReleases: [],
  createdAt: '2026-11-23T12:00:00.000Z',
  revokedAt: null,
}
/** A valid PackageDetail body; `overrides` replace top-level fields. */
export const packageDetailBody = (overrides: Record<string, unknown> = {}) => ({
  id: UUID,
  packageId: '0123456789abcdef',
  modelName: 'llama-lora',
  modelVersion: '1.0.0',
  status: 'verified',
  publisher: { id: UUID, name: 'Acme' },
  baseModels: ['llama-3-8b'],
  sizeBytes: 10,
  uploadedAt: '2026-11-23T12:00:00.000Z',
  uploadedBy: 'alice',
  verifiedAt: '2026-11-23T12:00:00.000Z',
  liveOn: [],
  labels: [],
  downloads: 0,
  manifest: { model_name: 'llama-lora' },
  hashes: { manifest: HASH, recipients: HASH, payload: HASH },
  contentId: HASH,
  checks: CHECKS,
  recipientsCount: 2,
  signer: PUBLISHER,
  ...overrides,
})
