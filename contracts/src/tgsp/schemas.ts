import { z } from 'zod'
import { PageQuerySchema, TimestampSchema } from '../common/pagination'
import { PackageLabelFilterSchema } from './labels'
import { FleetHealthPolicySchema } from './health'

const Hex = (bytes: number) =>
  z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `Expected ${bytes} bytes as lowercase hex.`)
const HexHash = Hex(32)

export const TGSP_CHECKS = ['structure', 'hashes', 'signatures', 'signer', 'identity'] as const
export const TgspCheckNameSchema = z.enum(TGSP_CHECKS)

export const TgspCheckResultSchema = z
  .object({ ok: z.boolean(), reason: z.string().nullable() })
  .meta({ id: 'TgspCheckResult' })

export const TgspChecksSchema = z
  .object({
    structure: TgspCheckResultSchema,
    hashes: TgspCheckResultSchema,
    signatures: TgspCheckResultSchema,
    signer: TgspCheckResultSchema,
    identity: TgspCheckResultSchema,
  })
  .meta({ id: 'TgspChecks' })
export type TgspChecks = z.infer<typeof TgspChecksSchema>

/** `details` of PACKAGE_REJECTED: every check with its result. */
export const PackageRejectedDetailsSchema = z.object({
  checks: TgspChecksSchema,
  packageId: z.string().nullable(),
  modelVersion: z.string().nullable(),
})

/** `details` of the CONFLICT answered when the same bytes were uploaded before. */
export const PackageDuplicateDetailsSchema = z.object({
  field: z.literal('content'),
  existingId: z.uuid(),
  link: z.string().meta({ description: 'API path of the existing package.' }),
})

export const PublisherSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    classic: Hex(32).meta({ description: 'Ed25519 public key (hex).' }),
    pqc: z.string().meta({ description: 'ML-DSA-65 public key (hex, 1952 bytes).' }),
    fingerprint: HexHash.meta({ description: 'SHA-256 of classic || pqc key bytes, to compare out of band.' }),
    status: z.enum(['active', 'revoked']),
    packages: z.number().int().nonnegative().meta({ description: 'How many packages this publisher signed.' }),
    liveReleases: z
      .array(
        z.object({
          releaseId: z.uuid(),
          fleetId: z.uuid(),
          fleetName: z.string(),
          channel: z.string(),
          packageId: z.uuid().meta({ description: 'Console id of the live package.' }),
          modelName: z.string(),
          modelVersion: z.string(),
        }),
      )
      .meta({ description: 'Releases live now with a package by this publisher (fleet, channel, package).' }),
    createdAt: TimestampSchema,
    revokedAt: TimestampSchema.nullable(),
  })
  .meta({ id: 'Publisher' })
export type Publisher = z.infer<typeof PublisherSchema>

export const PublisherListSchema = z.object({ items: z.array(PublisherSchema) }).meta({ id: 'PublisherList' })
export type PublisherList = z.infer<typeof PublisherListSchema>

export const CreatePublisherBodySchema = z
  .object({
    name: z.string().trim().min(1, 'Enter a name.').max(120),
    classic: Hex(32),
    pqc: Hex(1952),
  })
  .meta({ id: 'CreatePublisherBody' })
export type CreatePublisherBody = z.infer<typeof CreatePublisherBodySchema>

/**
 * `signer_revoked`: its publisher's key was revoked (or a re-verification found it revoked);
 * `verification_failed`: a re-verification of the stored bytes failed another check.
 * Only a `verified` package can be released.
 */
export const PACKAGE_STATUSES = ['verified', 'signer_revoked', 'verification_failed'] as const

export const PackageSummarySchema = z
  .object({
    id: z.uuid(),
    packageId: z.string(),
    modelName: z.string(),
    modelVersion: z.string(),
    status: z.enum(PACKAGE_STATUSES),
    publisher: z.object({ id: z.uuid(), name: z.string() }),
    baseModels: z.array(z.string()),
    sizeBytes: z.number().int().nonnegative(),
    uploadedAt: TimestampSchema,
    uploadedBy: z.string().nullable(),
    verifiedAt: TimestampSchema.meta({
      description: 'When the checks and status were last decided: at upload, or by the latest re-verification.',
    }),
    liveOn: z.array(z.object({ fleetId: z.uuid(), fleetName: z.string(), channel: z.string() })),
    labels: z.array(z.string()).meta({ description: 'Labels set by publishers and admins, sorted.' }),
    downloads: z
      .number()
      .int()
      .nonnegative()
      .meta({ description: 'Completed downloads of the whole file (range requests are not counted).' }),
  })
  .meta({ id: 'PackageSummary' })
export type PackageSummary = z.infer<typeof PackageSummarySchema>

export const PackagePageSchema = z
  .object({
    items: z.array(PackageSummarySchema),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'The cursor of the next page (same sort and filters), null on the last page.' }),
    facets: z.object({
      baseModels: z.array(z.string()).meta({ description: 'Every base model id named by a package, for the filter.' }),
    }),
  })
  .meta({ id: 'PackagePage' })
export type PackagePage = z.infer<typeof PackagePageSchema>

export const PACKAGE_SORTS = ['uploadedAt', 'modelName', 'sizeBytes', 'downloads'] as const

export const ListPackagesQuerySchema = PageQuerySchema.extend({
  q: z.string().trim().max(120).optional().meta({ description: 'Model name contains, or package id starts with.' }),
  status: z.enum(PACKAGE_STATUSES).optional(),
  publisherId: z.uuid().optional(),
  baseModel: z.string().trim().max(200).optional(),
  label: PackageLabelFilterSchema.optional().meta({ description: 'Only packages with this label (exactly).' }),
  sort: z.enum(PACKAGE_SORTS).default('uploadedAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
})
export type ListPackagesQuery = z.infer<typeof ListPackagesQuerySchema>

export const ReleaseSchema = z
  .object({
    id: z.uuid(),
    fleet: z.object({ id: z.uuid(), name: z.string() }),
    channel: z.string(),
    package: z.object({
      id: z.uuid(),
      packageId: z.string(),
      modelName: z.string(),
      modelVersion: z.string(),
      status: z.enum(PACKAGE_STATUSES),
    }),
    kind: z.enum(['promotion', 'rollback']),
    rollbackOf: z.uuid().nullable().meta({ description: 'For a rollback: the earlier release it restores.' }),
    notes: z.string(),
    createdBy: z.string().nullable(),
    createdAt: TimestampSchema,
    isActive: z.boolean(),
    supersededAt: TimestampSchema.nullable(),
  })
  .meta({ id: 'Release' })
export type Release = z.infer<typeof ReleaseSchema>

export const PackageDetailSchema = PackageSummarySchema.extend({
  manifest: z.record(z.string(), z.unknown()).meta({ description: 'The manifest as uploaded, unknown fields kept.' }),
  hashes: z.object({ manifest: HexHash, recipients: HexHash, payload: HexHash }),
  contentId: HexHash.meta({
    description: 'SHA-256 over the digests of all five sections (binds every byte of the file): the blob address.',
  }),
  checks: TgspChecksSchema,
  recipientsCount: z.number().int().nonnegative(),
  signer: PublisherSchema,
}).meta({
  id: 'PackageDetail',
  description: 'Its releases are not embedded: page through GET /api/v1/tgsp/releases?packageId={id}.',
})
export type PackageDetail = z.infer<typeof PackageDetailSchema>

export const PackageIdParamSchema = z.object({ packageId: z.uuid() })
export const PublisherIdParamSchema = z.object({ publisherId: z.uuid() })

export const SoakMinutesSchema = z
  .number()
  .int('Whole minutes.')
  .min(0)
  .max(525_600, 'At most a year (525,600 minutes).')
  .meta({
    description:
      'Release policy: minutes a package must have been live on a channel (e.g. canary) before it may go to the next one (e.g. stable); 0 for no wait.',
  })

export const FleetSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    soakMinutes: SoakMinutesSchema,
    health: FleetHealthPolicySchema.nullable().meta({
      description: 'Release policy, health on the previous channel; null when promotion does not wait for health.',
    }),
    status: z.enum(['active', 'archived']),
    createdAt: TimestampSchema,
    archivedAt: TimestampSchema.nullable(),
  })
  .meta({ id: 'Fleet' })
export type Fleet = z.infer<typeof FleetSchema>
export const FleetListSchema = z.object({ items: z.array(FleetSchema) }).meta({ id: 'FleetList' })
export type FleetList = z.infer<typeof FleetListSchema>

export const CreateFleetBodySchema = z
  .object({
    name: z.string().trim().min(1, 'Enter a name.').max(80),
    description: z.string().trim().max(500).default(''),
    soakMinutes: SoakMinutesSchema.default(0),
  })
  .meta({ id: 'CreateFleetBody' })
export type CreateFleetBody = z.infer<typeof CreateFleetBodySchema>

export const UpdateFleetBodySchema = z
  .object({
    name: z.string().trim().min(1, 'Enter a name.').max(80).optional(),
    description: z.string().trim().max(500).optional(),
    status: z.enum(['active', 'archived']).optional(),
    soakMinutes: SoakMinutesSchema.optional(),
  })
  .refine(
    (b) => b.name !== undefined || b.description !== undefined || b.status !== undefined || b.soakMinutes !== undefined,
    { message: 'Change at least one of name, description, status or soak time.' },
  )
  .meta({ id: 'UpdateFleetBody' })
export type UpdateFleetBody = z.infer<typeof UpdateFleetBodySchema>
export const FleetIdParamSchema = z.object({ fleetId: z.uuid() })

export const ListFleetsQuerySchema = z.object({
  includeArchived: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
})
export type ListFleetsQuery = z.infer<typeof ListFleetsQuerySchema>

export const ChannelListSchema = z.object({ items: z.array(z.string()) }).meta({ id: 'ChannelList' })
export type ChannelList = z.infer<typeof ChannelListSchema>

export const ListReleasesQuerySchema = z.object({
  fleetId: z.uuid().optional(),
  channel: z.string().trim().max(40).optional(),
  packageId: z.uuid().optional(),
  activeOnly: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  limit: z.coerce.number().int().min(1).max(500).default(200),
  cursor: z
    .string()
    .max(200)
    .optional()
    .meta({ param: { name: 'cursor', in: 'query' }, description: 'Opaque cursor from nextCursor.' }),
})
export type ListReleasesQuery = z.infer<typeof ListReleasesQuerySchema>
export const ReleaseListSchema = z
  .object({
    items: z.array(ReleaseSchema),
    /** True when older releases follow; nextCursor continues after the last item. */
    hasMore: z.boolean(),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'ReleaseList' })
export type ReleaseList = z.infer<typeof ReleaseListSchema>

export const CreateReleaseBodySchema = z
  .object({
    packageId: z.uuid(),
    fleetId: z.uuid(),
    channel: z.string().trim().min(1).max(40),
    notes: z.string().trim().max(2000).default(''),
    override: z
      .object({ reason: z.string().trim().min(1, 'Give the reason for the override.').max(500) })
      .optional()
      .meta({
        description:
          'Admins only: release before the fleet\u2019s soak time on the previous channel has passed; the reason is audited.',
      }),
  })
  .meta({ id: 'CreateReleaseBody' })
export type CreateReleaseBody = z.infer<typeof CreateReleaseBodySchema>

export const RollbackBodySchema = z
  .object({ notes: z.string().trim().max(2000).default('') })
  .meta({ id: 'RollbackBody' })
export type RollbackBody = z.infer<typeof RollbackBodySchema>
export const ReleaseIdParamSchema = z.object({ releaseId: z.uuid() })
