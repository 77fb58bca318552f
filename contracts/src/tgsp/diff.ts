import { z } from 'zod'

const DiffPackageSchema = z.object({
  id: z.uuid(),
  modelName: z.string(),
  modelVersion: z.string(),
  uploadedAt: z.string(),
})

const SignerSideSchema = z.object({
  publisherId: z.uuid(),
  name: z.string(),
  fingerprint: z.string(),
  authorId: z.string().nullable().meta({ description: 'The manifest\u2019s author_id.' }),
})

export const PackageDiffSchema = z
  .object({
    from: DiffPackageSchema.meta({ description: 'The package compared from (`against`).' }),
    to: DiffPackageSchema.meta({ description: 'The package compared to (the path\u2019s package).' }),
    isIdentical: z.boolean().meta({ description: 'The manifests and signers are the same.' }),
    fields: z.array(
      z.object({
        path: z.string().meta({ description: 'Dotted path of a manifest field.' }),
        kind: z.enum(['added', 'removed', 'changed']),
        before: z.unknown().optional(),
        after: z.unknown().optional(),
      }),
    ),
    files: z.array(
      z.object({
        path: z.string(),
        kind: z.enum(['added', 'removed', 'changed']),
        beforeSha256: z.string().nullable(),
        afterSha256: z.string().nullable(),
      }),
    ),
    unchangedFiles: z.number().int().nonnegative(),
    signer: z.object({
      isSame: z.boolean().meta({ description: 'Same registered publisher and author id.' }),
      from: SignerSideSchema,
      to: SignerSideSchema,
    }),
  })
  .meta({ id: 'PackageDiff' })
export type PackageDiff = z.infer<typeof PackageDiffSchema>

export const PackageDiffQuerySchema = z.object({
  against: z.uuid().meta({ description: 'The console id of the package to compare from.' }),
})
export type PackageDiffQuery = z.infer<typeof PackageDiffQuerySchema>
