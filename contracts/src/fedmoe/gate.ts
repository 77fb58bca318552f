import { z } from 'zod'
import { TimestampSchema } from '../common/pagination'

// The promotion gate of an expert version: a policy, the observations the server aggregates from
// the version's evidence (never its traces), and a pure evaluation that lists every rule.

const rate = z.number().min(0).max(1)
const benchmarkName = z.string().trim().min(1).max(120)
const metricName = z.string().trim().min(1).max(64)

export const MinMetricRuleSchema = z
  .object({
    benchmark: benchmarkName,
    metric: metricName,
    min: z.number().finite(),
    minSamples: z.number().int().min(1).max(100_000_000),
  })
  .strict()
  .meta({ id: 'GateMinMetric' })
export type MinMetricRule = z.infer<typeof MinMetricRuleSchema>

export const BeatDeployedRuleSchema = z
  .object({
    benchmark: benchmarkName,
    metric: metricName,
    margin: z.number().finite().min(0),
    minSamples: z.number().int().min(1).max(100_000_000),
    higherIsBetter: z.boolean(),
  })
  .strict()
  .meta({ id: 'GateBeatDeployed' })
export type BeatDeployedRule = z.infer<typeof BeatDeployedRuleSchema>

export const GatePolicySchema = z
  .object({
    minMetrics: z.array(MinMetricRuleSchema).max(32),
    beatDeployed: BeatDeployedRuleSchema.nullable(),
    minSimSuccessRate: rate.nullable(),
    maxCollisionRate: rate.nullable(),
    minApprovals: z.number().int().min(0).max(20),
    allowRejections: z
      .literal(false)
      .default(false)
      .meta({ description: 'Always false: a reviewer whose latest verdict is reject fails the gate.' }),
  })
  .strict()
  .meta({ id: 'GatePolicy' })
export type GatePolicy = z.infer<typeof GatePolicySchema>

/** The platform default (seeded by migration 0009, editable by an admin): one approving review. */
export const DEFAULT_GATE_POLICY: GatePolicy = {
  minMetrics: [],
  beatDeployed: null,
  minSimSuccessRate: null,
  maxCollisionRate: null,
  minApprovals: 1,
  allowRejections: false,
}

export const GATE_POLICY_SOURCES = ['family', 'default'] as const
export const GatePolicySourceSchema = z.enum(GATE_POLICY_SOURCES).meta({ id: 'GatePolicySource' })
export type GatePolicySource = z.infer<typeof GatePolicySourceSchema>

export const GATE_RULES = [
  'min_metric',
  'beat_deployed',
  'min_sim_success',
  'max_collision',
  'min_approvals',
  'no_rejection',
] as const
export const GateRuleKindSchema = z.enum(GATE_RULES).meta({ id: 'GateRuleKind' })
export type GateRuleKind = z.infer<typeof GateRuleKindSchema>

export const GateRuleResultSchema = z
  .object({
    rule: GateRuleKindSchema,
    label: z.string(),
    observed: z.number().nullable().meta({ description: 'What the evidence shows; null when there is none.' }),
    required: z.number().nullable(),
    samples: z.number().nullable().meta({ description: 'Samples, episodes or reviewers behind `observed`.' }),
    passed: z.boolean(),
    message: z.string(),
  })
  .meta({ id: 'GateRuleResult' })
export type GateRuleResult = z.infer<typeof GateRuleResultSchema>

export const GateEvaluationSchema = z
  .object({
    passed: z.boolean(),
    policySource: GatePolicySourceSchema,
    channel: z.string().nullable().meta({ description: 'The channel deployed against (beat_deployed), if any.' }),
    evaluatedAt: TimestampSchema,
    rules: z.array(GateRuleResultSchema),
  })
  .meta({ id: 'GateEvaluation' })
export type GateEvaluation = z.infer<typeof GateEvaluationSchema>

/** `details` of GATE_FAILED. */
export const GateFailedDetailsSchema = z.object({ gate: GateEvaluationSchema })

/** What a version keeps of its last evaluation. */
export const GateSummarySchema = z
  .object({ passed: z.boolean(), failedRules: z.array(z.string()), evaluatedAt: TimestampSchema })
  .meta({ id: 'GateSummary' })
export type GateSummary = z.infer<typeof GateSummarySchema>

export function summarizeGate(gate: GateEvaluation): GateSummary {
  return {
    passed: gate.passed,
    failedRules: gate.rules.filter((rule) => !rule.passed).map((rule) => rule.label),
    evaluatedAt: gate.evaluatedAt,
  }
}

/** The newest EVAL_RESULT / VLA_BENCHMARK item of one benchmark on a version. */
export interface BenchmarkObservation {
  nSamples: number
  metrics: Record<string, number>
}

export interface GateObservations {
  /** The candidate's newest item per benchmark (at least those the policy names). */
  candidate: Record<string, BenchmarkObservation>
  /** The version deployed on the target channel (or the newest deployment), other than the candidate. */
  deployed: { version: string; channel: string; benchmarks: Record<string, BenchmarkObservation> } | null
  /** Episode-weighted over every SIM_SUCCESS item of the candidate; null rates when there is none. */
  sim: { items: number; episodes: number; successRate: number | null; collisionRate: number | null }
  /** Latest verdict per distinct reviewer. */
  reviews: { reviewers: number; approvals: number; rejections: number }
}

export interface GateContext {
  policySource: GatePolicySource
  channel: string | null
  evaluatedAt: string
}

function rule(kind: GateRuleKind, label: string, fields: Omit<GateRuleResult, 'rule' | 'label'>): GateRuleResult {
  return { rule: kind, label, ...fields }
}

function evaluateMinMetric(entry: MinMetricRule, observations: GateObservations): GateRuleResult {
  const label = `${entry.metric} on ${entry.benchmark} \u2265 ${entry.min}`
  const item = observations.candidate[entry.benchmark]
  const required = entry.min
  if (!item)
    return rule('min_metric', label, {
      observed: null,
      required,
      samples: null,
      passed: false,
      message: `no EVAL_RESULT or VLA_BENCHMARK evidence on ${entry.benchmark}`,
    })
  const observed = item.metrics[entry.metric]
  if (observed === undefined)
    return rule('min_metric', label, {
      observed: null,
      required,
      samples: item.nSamples,
      passed: false,
      message: `the newest ${entry.benchmark} evidence does not report ${entry.metric}`,
    })
  if (item.nSamples < entry.minSamples)
    return rule('min_metric', label, {
      observed,
      required,
      samples: item.nSamples,
      passed: false,
      message: `${item.nSamples} samples, at least ${entry.minSamples} needed`,
    })
  const passed = observed >= entry.min
  return rule('min_metric', label, {
    observed,
    required,
    samples: item.nSamples,
    passed,
    message: passed ? `${observed} \u2265 ${entry.min}` : `${observed} is below ${entry.min}`,
  })
}

function evaluateBeatDeployed(entry: BeatDeployedRule, observations: GateObservations): GateRuleResult {
  const direction = entry.higherIsBetter ? 'above' : 'below'
  const label = `${entry.metric} on ${entry.benchmark} ${entry.margin} ${direction} the deployed version`
  const item = observations.candidate[entry.benchmark]
  const observed = item?.metrics[entry.metric] ?? null
  const samples = item?.nSamples ?? null
  const deployed = observations.deployed
  if (!deployed)
    return rule('beat_deployed', label, {
      observed,
      required: null,
      samples,
      passed: true,
      message: 'nothing deployed yet',
    })
  const base = deployed.benchmarks[entry.benchmark]
  const baseValue = base?.metrics[entry.metric]
  const required =
    baseValue === undefined ? null : entry.higherIsBetter ? baseValue + entry.margin : baseValue - entry.margin
  const fail = (message: string) =>
    rule('beat_deployed', label, { observed, required, samples, passed: false, message })
  if (!item || observed === null) return fail(`no ${entry.metric} on ${entry.benchmark} for this version`)
  if (!base || baseValue === undefined || required === null)
    return fail(
      `the deployed version ${deployed.version} (${deployed.channel}) has no ${entry.metric} on ${entry.benchmark}`,
    )
  if (item.nSamples < entry.minSamples) return fail(`${item.nSamples} samples, at least ${entry.minSamples} needed`)
  if (base.nSamples < entry.minSamples)
    return fail(
      `the deployed version ${deployed.version} has ${base.nSamples} samples, at least ${entry.minSamples} needed`,
    )
  const delta = entry.higherIsBetter ? observed - baseValue : baseValue - observed
  const passed = delta >= entry.margin
  return rule('beat_deployed', label, {
    observed,
    required,
    samples,
    passed,
    message: `${observed} against ${baseValue} for ${deployed.version} (${deployed.channel}): ${
      passed ? 'better' : 'not better'
    } by the margin ${entry.margin}`,
  })
}

function evaluateSim(policy: GatePolicy, observations: GateObservations): GateRuleResult[] {
  const out: GateRuleResult[] = []
  const { sim } = observations
  const none = sim.items === 0
  if (policy.minSimSuccessRate !== null) {
    const required = policy.minSimSuccessRate
    const observed = sim.successRate
    const passed = !none && observed !== null && observed >= required
    out.push(
      rule('min_sim_success', `simulation success rate \u2265 ${required}`, {
        observed,
        required,
        samples: none ? null : sim.episodes,
        passed,
        message: none ? 'no SIM_SUCCESS evidence' : `${observed} over ${sim.episodes} episodes`,
      }),
    )
  }
  if (policy.maxCollisionRate !== null) {
    const required = policy.maxCollisionRate
    const observed = sim.collisionRate
    const passed = !none && observed !== null && observed <= required
    out.push(
      rule('max_collision', `collision rate \u2264 ${required}`, {
        observed,
        required,
        samples: none ? null : sim.episodes,
        passed,
        message: none ? 'no SIM_SUCCESS evidence' : `${observed} over ${sim.episodes} episodes`,
      }),
    )
  }
  return out
}

function evaluateReviews(policy: GatePolicy, observations: GateObservations): GateRuleResult[] {
  const { reviews } = observations
  const approvalsPassed = reviews.approvals >= policy.minApprovals
  return [
    rule('min_approvals', `at least ${policy.minApprovals} approving review${policy.minApprovals === 1 ? '' : 's'}`, {
      observed: reviews.approvals,
      required: policy.minApprovals,
      samples: reviews.reviewers,
      passed: approvalsPassed,
      message: `${reviews.approvals} of ${reviews.reviewers} reviewer${reviews.reviewers === 1 ? '' : 's'} approve`,
    }),
    rule('no_rejection', 'no rejecting review', {
      observed: reviews.rejections,
      required: 0,
      samples: reviews.reviewers,
      passed: reviews.rejections === 0,
      message:
        reviews.rejections === 0
          ? 'no reviewer rejects'
          : `${reviews.rejections} reviewer${reviews.rejections === 1 ? '' : 's'} reject`,
    }),
  ]
}

/** Evaluates every rule of `policy` over `observations`; the gate passes when every rule passes. */
export function evaluateGate(policy: GatePolicy, observations: GateObservations, context: GateContext): GateEvaluation {
  const rules = [
    ...policy.minMetrics.map((entry) => evaluateMinMetric(entry, observations)),
    ...(policy.beatDeployed ? [evaluateBeatDeployed(policy.beatDeployed, observations)] : []),
    ...evaluateSim(policy, observations),
    ...evaluateReviews(policy, observations),
  ]
  return {
    passed: rules.every((r) => r.passed),
    policySource: context.policySource,
    channel: context.channel,
    evaluatedAt: context.evaluatedAt,
    rules,
  }
}

/** The benchmarks whose newest items the policy reads (for the server's aggregate). */
export function policyBenchmarks(policy: GatePolicy): string[] {
  const names = new Set(policy.minMetrics.map((entry) => entry.benchmark))
  if (policy.beatDeployed) names.add(policy.beatDeployed.benchmark)
  return [...names]
}
