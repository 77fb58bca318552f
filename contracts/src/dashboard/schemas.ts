import { z } from 'zod'
import { TimestampSchema } from '../common/pagination'
import { ApiKeySchema, UserSchema } from '../admin/schemas'

export const SignInEventSchema = z
  .object({
    id: z.string().meta({ description: 'Sequence number of the audit entry.' }),
    at: TimestampSchema,
    username: z.string(),
    outcome: z.enum(['success', 'failure', 'throttled']),
    clientIp: z.string().nullable(),
    reason: z.string().nullable(),
  })
  .meta({ id: 'SignInEvent' })
export type SignInEvent = z.infer<typeof SignInEventSchema>

export const DashboardOverviewSchema = z
  .object({
    users: z.object({
      total: z.number().int().nonnegative(),
      active: z.number().int().nonnegative(),
      disabled: z.number().int().nonnegative(),
      recent: z.array(UserSchema),
    }),
    apiKeys: z.object({
      active: z.number().int().nonnegative(),
      revoked: z.number().int().nonnegative(),
      expired: z.number().int().nonnegative(),
      recent: z.array(ApiKeySchema),
    }),
    recentSignIns: z.array(SignInEventSchema),
  })
  .meta({ id: 'DashboardOverview' })
export type DashboardOverview = z.infer<typeof DashboardOverviewSchema>
