import { z } from '@hono/zod-openapi'
import { TimestampSchema } from '../common/pagination'

export const LivenessSchema = z.object({ status: z.literal('ok') }).openapi('Liveness')

export const ReadinessSchema = z
  .object({
    status: z.literal('ready'),
    checks: z.object({ database: z.literal('ok'), migrations: z.literal('ok') }),
  })
  .openapi('Readiness')

export const COMPONENT_STATUSES = ['ok', 'not_supported', 'unavailable'] as const

export const ComponentHealthSchema = z
  .object({
    name: z.string().openapi({ example: 'database' }),
    label: z.string().openapi({ example: 'Database' }),
    kind: z.enum(['database', 'module']),
    status: z.enum(COMPONENT_STATUSES),
    message: z.string(),
    latencyMs: z.number().nonnegative().nullable(),
  })
  .openapi('ComponentHealth')
export type ComponentHealth = z.infer<typeof ComponentHealthSchema>

export const SystemHealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']).openapi({
      description: 'degraded when a built component is unavailable; modules not in this build do not degrade it.',
    }),
    version: z.string(),
    databaseDriver: z.enum(['pglite', 'postgres']),
    checkedAt: TimestampSchema,
    components: z.array(ComponentHealthSchema),
  })
  .openapi('SystemHealth')
export type SystemHealth = z.infer<typeof SystemHealthSchema>
