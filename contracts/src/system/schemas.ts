import { z } from 'zod'
import { TimestampSchema } from '../common/pagination'

export const LivenessSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Liveness' })

export const ReadinessSchema = z
  .object({
    status: z.literal('ready'),
    checks: z.object({ database: z.literal('ok'), migrations: z.literal('ok') }),
  })
  .meta({ id: 'Readiness' })

export const COMPONENT_STATUSES = ['ok', 'not_supported', 'unavailable'] as const

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
      description: 'degraded when a built component is unavailable; modules not in this build do not degrade it.',
    }),
    version: z.string(),
    databaseDriver: z.enum(['pglite', 'postgres']),
    checkedAt: TimestampSchema,
    components: z.array(ComponentHealthSchema),
  })
  .meta({ id: 'SystemHealth' })
export type SystemHealth = z.infer<typeof SystemHealthSchema>
