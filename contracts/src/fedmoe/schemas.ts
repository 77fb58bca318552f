// Single functions, not the package's index: the browser bundle then carries only these two.
import rcompare from 'semver/functions/rcompare'
import valid from 'semver/functions/valid'
import { z } from 'zod'
import { PACKAGE_STATUSES } from '../tgsp/schemas'
import { PageQuerySchema, TimestampSchema } from '../common/pagination'
import { LiveStreamQueryShape } from '../common/live'
import { GatePolicySchema, GatePolicySourceSchema, GateSummarySchema } from './gate'

// The FedMoE registry: expert families (adapters over one base model), their semver versions,
// the status machine, deployments per release channel, and the gate policy responses.

export const EXPERT_STATUSES = ['adapting', 'validated', 'deployed', 'archived'] as const
export const ExpertStatusSchema = z.enum(EXPERT_STATUSES).meta({ id: 'ExpertStatus' })
export type ExpertStatus = z.infer<typeof ExpertStatusSchema>

/**
 * The status machine the server enforces. `validated -> deployed` happens only through deploy (the
 * gate is evaluated again for the channel); `deployed -> validated` happens by itself when the
 * version is no longer live on any channel; `archived` is terminal.
 */
export const EXPERT_TRANSITIONS: Readonly<Record<ExpertStatus, readonly ExpertStatus[]>> = {
  adapting: ['validated', 'archived'],
  validated: ['deployed', 'archived'],
  deployed: ['validated'],
  archived: [],
}

/** The statuses the status route sets (`fedmoe.changeStatus`); the others come with deploy. */
export const STATUS_CHANGE_TARGETS = ['validated', 'archived'] as const
export type StatusChangeTarget = (typeof STATUS_CHANGE_TARGETS)[number]

/**
 * The moves the status route accepts from `from`: what the console offers as buttons. A deployed
 * version has none: it returns to validated by itself once it is live nowhere.
 */
export function allowedStatusChanges(from: ExpertStatus): StatusChangeTarget[] {
  if (from === 'deployed') return []
  return STATUS_CHANGE_TARGETS.filter((to) => EXPERT_TRANSITIONS[from].includes(to))
}

/** `details` of the CONFLICT for a move the status machine does not allow. */
export const IllegalTransitionDetailsSchema = z.object({
  from: ExpertStatusSchema,
  to: ExpertStatusSchema,
  allowed: z.array(ExpertStatusSchema),
})

/** The evidence types (their bodies are in evidence.ts). */
export const EXPERT_EVIDENCE_TYPES = [
  'EVAL_RESULT',
  'SIM_SUCCESS',
  'REAL_WORLD_VLD',
  'PEER_REVIEW',
  'VLA_BENCHMARK',
] as const
export const ExpertEvidenceTypeSchema = z.enum(EXPERT_EVIDENCE_TYPES).meta({ id: 'ExpertEvidenceType' })
export type ExpertEvidenceType = z.infer<typeof ExpertEvidenceTypeSchema>

export const EXPERT_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/

export const ExpertNameSchema = z
  .string()
  .trim()
  .regex(
    EXPERT_NAME_PATTERN,
    'Use 1 to 63 lowercase letters, digits, dots, dashes or underscores, starting with a letter or digit.',
  )

/** A semantic version (semver 2.0.0), exactly as written: `1.2.0`, `2.0.0-rc.1`. */
export const SemverSchema = z
  .string()
  .trim()
  .max(64)
  .refine((value) => valid(value) === value, 'Use a semantic version such as 1.2.0 or 2.0.0-rc.1.')
  .meta({ example: '1.2.0' })

/** Newest first, by semver precedence. */
export function compareVersionsDesc(a: string, b: string): number {
  return rcompare(a, b)
}

export const ChannelNameSchema = z
  .string()
  .trim()
  .min(1, 'Name a channel.')
  .max(40)
  .meta({ description: 'A release channel of the marketplace (TG_RELEASE_CHANNELS).', example: 'stable' })

const ReasonSchema = z.string().trim().max(2000).default('')

export const CreateExpertBodySchema = z
  .object({
    name: ExpertNameSchema,
    baseModel: z.string().trim().min(1, 'Enter the base model.').max(80).meta({ example: 'openvla-7b' }),
    description: z.string().trim().max(2000).default(''),
  })
  .meta({ id: 'CreateExpertBody' })
export type CreateExpertBody = z.infer<typeof CreateExpertBodySchema>

export const ExpertFamilySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    baseModel: z.string(),
    description: z.string(),
    createdAt: TimestampSchema,
    createdBy: z.string().nullable(),
  })
  .meta({ id: 'ExpertFamily' })
export type ExpertFamily = z.infer<typeof ExpertFamilySchema>

export const ExpertVersionRefSchema = z
  .object({ id: z.uuid(), version: z.string(), status: ExpertStatusSchema })
  .meta({ id: 'ExpertVersionRef' })
export type ExpertVersionRef = z.infer<typeof ExpertVersionRefSchema>

export const LiveDeploymentSchema = z
  .object({ channel: z.string(), versionId: z.uuid(), version: z.string() })
  .meta({ id: 'ExpertLiveDeployment' })
export type LiveDeployment = z.infer<typeof LiveDeploymentSchema>

export const ExpertFamilySummarySchema = ExpertFamilySchema.extend({
  versionCount: z.number().int().nonnegative(),
  latestVersion: ExpertVersionRefSchema.nullable().meta({ description: 'The highest semver version.' }),
  deployed: z.array(LiveDeploymentSchema),
  awaitingValidation: z.number().int().nonnegative().meta({ description: 'Versions adapting.' }),
}).meta({ id: 'ExpertFamilySummary' })
export type ExpertFamilySummary = z.infer<typeof ExpertFamilySummarySchema>

export const ExpertFamilyPageSchema = z
  .object({ items: z.array(ExpertFamilySummarySchema), nextCursor: z.string().nullable() })
  .meta({ id: 'ExpertFamilyPage' })
export type ExpertFamilyPage = z.infer<typeof ExpertFamilyPageSchema>

const limit = (max: number, fallback: number) =>
  z.coerce
    .number()
    .int()
    .min(1)
    .max(max)
    .default(fallback)
    .meta({ description: `Page size, 1 to ${max}.` })

export const ListExpertsQuerySchema = z.object({
  status: ExpertStatusSchema.optional().meta({ description: 'Families having a version in this status.' }),
  baseModel: z.string().trim().min(1).max(80).optional(),
  q: z.string().trim().max(120).optional().meta({ description: 'Name or description contains.' }),
  limit: limit(200, 50),
  cursor: PageQuerySchema.shape.cursor,
})
export type ListExpertsQuery = z.infer<typeof ListExpertsQuerySchema>

export const ExpertIdParamSchema = z.object({ expertId: z.uuid() })
export const ExpertVersionParamSchema = z.object({ expertId: z.uuid(), versionId: z.uuid() })

export const CreateVersionBodySchema = z
  .object({
    version: SemverSchema,
    packageId: z
      .uuid()
      .nullable()
      .default(null)
      .meta({ description: 'A TGSP package of the marketplace that passed verification.' }),
    notes: z.string().trim().max(4000).default(''),
  })
  .meta({ id: 'CreateExpertVersionBody' })
export type CreateVersionBody = z.infer<typeof CreateVersionBodySchema>

export const ExpertVersionSchema = z
  .object({
    id: z.uuid(),
    expertId: z.uuid(),
    version: z.string(),
    packageId: z.uuid().nullable(),
    notes: z.string(),
    status: ExpertStatusSchema,
    lastGate: GateSummarySchema.nullable(),
    createdAt: TimestampSchema,
    createdBy: z.string().nullable(),
    updatedAt: TimestampSchema,
  })
  .meta({ id: 'ExpertVersion' })
export type ExpertVersion = z.infer<typeof ExpertVersionSchema>

export const GatePolicyResponseSchema = z
  .object({ source: GatePolicySourceSchema, policy: GatePolicySchema })
  .meta({ id: 'GatePolicyResponse' })
export type GatePolicyResponse = z.infer<typeof GatePolicyResponseSchema>

export const ExpertFamilyDetailSchema = ExpertFamilySchema.extend({
  versions: z.array(ExpertVersionSchema).meta({ description: 'Newest semver first.' }),
  deployments: z.array(LiveDeploymentSchema).meta({ description: 'What is live now, one per channel.' }),
  policy: GatePolicyResponseSchema,
}).meta({ id: 'ExpertFamilyDetail' })
export type ExpertFamilyDetail = z.infer<typeof ExpertFamilyDetailSchema>

export const ExpertPackageRefSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    version: z.string(),
    verification: z.enum(PACKAGE_STATUSES),
  })
  .meta({ id: 'ExpertPackageRef' })

export const ExpertVersionDetailSchema = ExpertVersionSchema.extend({
  package: ExpertPackageRefSchema.nullable(),
  evidenceCounts: z.record(ExpertEvidenceTypeSchema, z.number().int().nonnegative()),
  liveOn: z.array(z.string()).meta({ description: 'Channels on which this version is live.' }),
}).meta({ id: 'ExpertVersionDetail' })
export type ExpertVersionDetail = z.infer<typeof ExpertVersionDetailSchema>

export const ChangeStatusBodySchema = z
  .object({ status: z.enum(STATUS_CHANGE_TARGETS), reason: ReasonSchema })
  .meta({ id: 'ChangeExpertStatusBody' })
export type ChangeStatusBody = z.infer<typeof ChangeStatusBodySchema>

export const GateCheckQuerySchema = z.object({
  channel: ChannelNameSchema.optional().meta({
    description: 'Compare against the version live on this channel; otherwise the newest deployment.',
  }),
})
export type GateCheckQuery = z.infer<typeof GateCheckQuerySchema>

export const DeployExpertBodySchema = z
  .object({ channel: ChannelNameSchema, reason: ReasonSchema })
  .meta({ id: 'DeployExpertBody' })
export type DeployExpertBody = z.infer<typeof DeployExpertBodySchema>

export const RollbackExpertBodySchema = z
  .object({ channel: ChannelNameSchema, toVersionId: z.uuid(), reason: ReasonSchema })
  .meta({ id: 'RollbackExpertBody' })
export type RollbackExpertBody = z.infer<typeof RollbackExpertBodySchema>

export const ExpertDeploymentSchema = z
  .object({
    id: z.uuid(),
    expertId: z.uuid(),
    channel: z.string(),
    versionId: z.uuid(),
    version: z.string(),
    action: z.enum(['deploy', 'rollback']),
    reason: z.string(),
    deployedAt: TimestampSchema,
    deployedBy: z.string().nullable(),
    endedAt: TimestampSchema.nullable().meta({ description: 'When another version took the channel.' }),
  })
  .meta({ id: 'ExpertDeployment' })
export type ExpertDeployment = z.infer<typeof ExpertDeploymentSchema>

export const ExpertDeploymentPageSchema = z
  .object({ items: z.array(ExpertDeploymentSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'ExpertDeploymentPage' })
export type ExpertDeploymentPage = z.infer<typeof ExpertDeploymentPageSchema>

export const ListDeploymentsQuerySchema = z.object({
  channel: ChannelNameSchema.optional(),
  limit: limit(200, 50),
  cursor: PageQuerySchema.shape.cursor,
})
export type ListDeploymentsQuery = z.infer<typeof ListDeploymentsQuerySchema>

export const SetGatePolicyBodySchema = z
  .object({
    policy: GatePolicySchema.nullable().meta({ description: 'null: the family inherits the platform default.' }),
    reason: ReasonSchema,
  })
  .meta({ id: 'SetGatePolicyBody' })
export type SetGatePolicyBody = z.infer<typeof SetGatePolicyBodySchema>

export const SetDefaultGatePolicyBodySchema = z
  .object({ policy: GatePolicySchema, reason: ReasonSchema })
  .meta({ id: 'SetDefaultGatePolicyBody' })
export type SetDefaultGatePolicyBody = z.infer<typeof SetDefaultGatePolicyBodySchema>

export const FedmoeOverviewSchema = z
  .object({
    awaitingValidation: z.number().int().nonnegative().meta({ description: 'Versions adapting.' }),
    gateFailures: z
      .number()
      .int()
      .nonnegative()
      .meta({ description: 'Versions adapting or validated whose last gate evaluation failed.' }),
    recentGateFailures: z
      .array(
        z.object({
          expertId: z.uuid(),
          name: z.string(),
          versionId: z.uuid(),
          version: z.string(),
          evaluatedAt: TimestampSchema,
          failedRules: z.array(z.string()),
        }),
      )
      .max(5),
    deployedCount: z.number().int().nonnegative().meta({ description: 'Live (family, channel) deployments.' }),
  })
  .meta({ id: 'FedmoeOverview' })
export type FedmoeOverview = z.infer<typeof FedmoeOverviewSchema>

/** A live update, sent as a server-sent event named by `type`. */
export const FedmoeEventSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('expert'), expertId: z.uuid() }),
    z.object({ type: z.literal('version'), expertId: z.uuid(), versionId: z.uuid(), status: ExpertStatusSchema }),
    z.object({ type: z.literal('evidence'), expertId: z.uuid(), versionId: z.uuid(), evidenceId: z.uuid() }),
    z.object({ type: z.literal('deployment'), expertId: z.uuid(), channel: z.string() }),
  ])
  .meta({ id: 'FedmoeEvent' })
export type FedmoeEvent = z.infer<typeof FedmoeEventSchema>

export const FedmoeEventsQuerySchema = z.object({
  expertId: z.uuid().optional().meta({ description: 'Only events of this family.' }),
  ...LiveStreamQueryShape,
})
