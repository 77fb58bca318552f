// Release health: what fleet agents report about the package they run, the fleet's health
// conditions for promotion, and the conditions a refused release did not meet.
import { z } from 'zod'
import { TimestampSchema } from '../common/pagination'

export const HEALTH_COUNT_MAX = 1_000_000_000

export const FleetHealthPolicySchema = z
  .object({
    maxFailureRate: z.number().min(0).max(1).meta({
      description: 'Highest failure rate (failures / samples, 0 to 1) on the previous channel that still promotes.',
    }),
    minReports: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(1)
      .meta({ description: 'Health reports needed at least.' }),
    minSamples: z
      .number()
      .int()
      .min(1)
      .max(HEALTH_COUNT_MAX)
      .default(1)
      .meta({ description: 'Successes plus failures needed at least.' }),
  })
  .meta({ id: 'FleetHealthPolicy' })
export type FleetHealthPolicy = z.infer<typeof FleetHealthPolicySchema>

export const UpdateFleetHealthPolicyBodySchema = z
  .object({
    health: FleetHealthPolicySchema.nullable().meta({ description: 'null: promotion does not wait for health.' }),
  })
  .meta({ id: 'UpdateFleetHealthPolicyBody' })
export type UpdateFleetHealthPolicyBody = z.infer<typeof UpdateFleetHealthPolicyBodySchema>

const Count = z.number().int().min(0).max(HEALTH_COUNT_MAX)

export const ReportReleaseHealthBodySchema = z
  .object({
    channel: z.string().trim().min(1).max(40),
    packageId: z.uuid().meta({ description: 'Console id of the package the agent runs.' }),
    successes: Count,
    failures: Count,
  })
  .strict()
  .refine((b) => b.successes + b.failures > 0, { path: ['successes'], message: 'Report at least one sample.' })
  .meta({ id: 'ReportReleaseHealthBody' })
export type ReportReleaseHealthBody = z.infer<typeof ReportReleaseHealthBodySchema>

export const ReleaseHealthReceiptSchema = z
  .object({
    id: z.uuid(),
    fleetId: z.uuid(),
    channel: z.string(),
    packageId: z.uuid(),
    successes: z.number().int(),
    failures: z.number().int(),
    idempotencyKey: z.string().nullable(),
    createdAt: TimestampSchema,
    replayed: z.boolean().meta({ description: 'True when this Idempotency-Key and report were recorded before.' }),
  })
  .meta({ id: 'ReleaseHealthReceipt' })
export type ReleaseHealthReceipt = z.infer<typeof ReleaseHealthReceiptSchema>

export const HealthTotalsSchema = z
  .object({
    reports: z.number().int().nonnegative(),
    successes: z.number().int().nonnegative(),
    failures: z.number().int().nonnegative(),
    failureRate: z
      .number()
      .nullable()
      .meta({ description: 'failures / (successes + failures); null with no samples.' }),
    lastReportAt: TimestampSchema.nullable(),
  })
  .meta({ id: 'HealthTotals' })
export type HealthTotals = z.infer<typeof HealthTotalsSchema>

export const LiveReleaseHealthSchema = z
  .object({
    channel: z.string(),
    releaseId: z.uuid(),
    liveSince: TimestampSchema,
    package: z.object({ id: z.uuid(), packageId: z.string(), modelName: z.string(), modelVersion: z.string() }),
    totals: HealthTotalsSchema,
    verdict: z
      .enum(['healthy', 'unhealthy', 'insufficient', 'no_policy'])
      .meta({ description: 'Against the fleet\u2019s health policy: too few reports or samples is insufficient.' }),
  })
  .meta({ id: 'LiveReleaseHealth' })
export type LiveReleaseHealth = z.infer<typeof LiveReleaseHealthSchema>

export const FleetHealthSchema = z
  .object({
    fleetId: z.uuid(),
    policy: FleetHealthPolicySchema.nullable(),
    items: z
      .array(LiveReleaseHealthSchema)
      .meta({ description: 'The live release of each channel, in channel order.' }),
  })
  .meta({ id: 'FleetHealth' })
export type FleetHealth = z.infer<typeof FleetHealthSchema>

export const POLICY_CONDITIONS = ['soak', 'reports', 'samples', 'failureRate'] as const
export const PolicyConditionSchema = z
  .object({
    name: z.enum(POLICY_CONDITIONS),
    required: z.number().meta({
      description: 'soak: minutes; reports and samples: at least; failureRate: at most.',
    }),
    observed: z.number().nullable().meta({ description: 'The value seen; null when there is none (no samples).' }),
    passed: z.boolean(),
    message: z.string(),
  })
  .meta({ id: 'PolicyCondition' })
export type PolicyCondition = z.infer<typeof PolicyConditionSchema>

/** `details` of RELEASE_POLICY. */
export const ReleasePolicyDetailsSchema = z.object({
  previousChannel: z.string(),
  allowedAt: TimestampSchema.nullable().meta({ description: 'When the soak time will have passed, if it is running.' }),
  conditions: z.array(PolicyConditionSchema).meta({ description: 'Every condition of the policy, met or not.' }),
})
export type ReleasePolicyDetails = z.infer<typeof ReleasePolicyDetailsSchema>
