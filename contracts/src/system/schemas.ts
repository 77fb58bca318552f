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
    }),
    auditIntegrity: AuditIntegritySchema,
  })
  .meta({ id: 'Readiness' })

/** failed: the component runs, but a check of what it guards failed (the message names it). */
export const COMPONENT_STATUSES = ['ok', 'not_supported', 'unavailable', 'failed'] as const

export const ComponentHealthSchema = z
  .object({
    name: z.string().meta({ example: 'database' }),
    label: z.string().meta({ example: 'Database' }),
    kind: z.enum(['database', 'module']),
    status: z.enum(COMPONENT_STATUSES),
    message: z.string(),
    latencyMs: z.number().nonnegative().nullable(),
  })
  .meta({ id: 'ComponentHealth' })
export type ComponentHealth = z.infer<typeof ComponentHealthSchema>

export const SystemHealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']).meta({
      description:
        'degraded when a built component is unavailable or failed; modules not in this build do not degrade it.',
    }),
    version: z.string(),
    databaseDriver: z.enum(['pglite', 'postgres']),
    checkedAt: TimestampSchema,
    components: z.array(ComponentHealthSchema),
  })
  .meta({ id: 'SystemHealth' })
export type SystemHealth = z.infer<typeof SystemHealthSchema>
