import { z } from 'zod'
import { AuditIntegritySchema } from '../audit/schemas'
import { TimestampSchema } from '../common/pagination'

export const LivenessSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Liveness' })

export const ReadinessSchema = z
  .object({
    status: z.literal('ready'),
    checks: z.object({
      database: z.literal('ok'),
      migrations: z.literal('ok'),
      auditIntegrity: AuditIntegritySchema.shape.status.meta({
        description: 'Reported, not gating: a failed audit self-check does not take the replica out of service.',
      }),
      objectStore: z.literal('ok').optional().meta({
        description:
          'Present when package bytes live in an S3-compatible object store: its bucket answered (HeadBucket).',
      }),
      redis: z.enum(['ok', 'unavailable']).optional().meta({
        description:
          'Present when REDIS_URL is set: whether Redis, the store of the shared rate limits, answers. Reported, not gating: while it is away each replica counts requests in its own memory.',
      }),
    }),
    auditIntegrity: AuditIntegritySchema,
  })
  .meta({ id: 'Readiness' })

/** failed: the component runs, but a check of what it guards failed (the message names it). */
export const COMPONENT_STATUSES = ['ok', 'degraded', 'not_supported', 'unavailable', 'failed'] as const

/** The disk a component stores files on (the marketplace's blob store). */
export const StorageHealthSchema = z
  .object({
    writable: z.boolean().meta({ description: 'A small file could be created, written, flushed and removed.' }),
    freeBytes: z
      .number()
      .int()
      .nonnegative()
      .nullable()
      .meta({ description: 'Free bytes for the server; null when unknown.' }),
    totalBytes: z.number().int().nonnegative().nullable(),
    minFreeBytes: z.number().int().nonnegative().meta({
      description: 'Below this the component is degraded: the larger of the upload limit and the configured floor.',
    }),
  })
  .meta({ id: 'StorageHealth' })
export type StorageHealth = z.infer<typeof StorageHealthSchema>

export const ComponentHealthSchema = z
  .object({
    name: z.string().meta({ example: 'database' }),
    label: z.string().meta({ example: 'Database' }),
    kind: z.enum(['database', 'module']),
    status: z.enum(COMPONENT_STATUSES).meta({
      description: 'degraded: works, but short of something it needs soon (for example free disk space).',
    }),
    message: z.string(),
    latencyMs: z.number().nonnegative().nullable(),
    storage: StorageHealthSchema.optional(),
  })
  .meta({ id: 'ComponentHealth' })
export type ComponentHealth = z.infer<typeof ComponentHealthSchema>

export const SystemHealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']).meta({
      description:
        'degraded when a built component is unavailable, degraded or failed; modules not in this build do not degrade it.',
    }),
    version: z.string(),
    databaseDriver: z.enum(['pglite', 'postgres']),
    checkedAt: TimestampSchema,
    components: z.array(ComponentHealthSchema),
  })
  .meta({ id: 'SystemHealth' })
export type SystemHealth = z.infer<typeof SystemHealthSchema>
