// The "New run" form: typed text to a CreateRunBody, checked with the contract's own schema so
// that the form refuses exactly what the server would, field by field, before it is sent.
import { CreateRunBodySchema, EPSILON_WARNING_ABOVE } from '@tg/contracts'
import type { AdapterSettings, CreateRunBody } from '@tg/contracts'
import { fieldErrorsOfIssues, numberOf } from './number-fields'
import type { FieldErrors } from './number-fields'

export type RunForm = {
  name: string
  baseModel: string
  method: AdapterSettings['method']
  rank: string
  alpha: string
  targetModules: string
  plannedRounds: string
  stepsPerRound: string
  noiseMultiplier: string
  clippingNorm: string
  sampleRate: string
  delta: string
  epsilonBudget: string
  datasetSize: string
}

/** Field paths as the contract (and a 422 from the server) names them. */
export const RUN_FIELDS = [
  'name',
  'baseModel',
  'adapter.method',
  'adapter.rank',
  'adapter.alpha',
  'adapter.targetModules',
  'plannedRounds',
  'stepsPerRound',
  'dp.noiseMultiplier',
  'dp.clippingNorm',
  'dp.sampleRate',
  'dp.delta',
  'dp.epsilonBudget',
  'dp.datasetSize',
] as const
export type RunField = (typeof RUN_FIELDS)[number]

export const emptyRunForm = (): RunForm => ({
  name: '',
  baseModel: '',
  method: 'lora',
  rank: '',
  alpha: '',
  targetModules: '',
  plannedRounds: '',
  stepsPerRound: '',
  noiseMultiplier: '',
  clippingNorm: '',
  sampleRate: '',
  delta: '',
  epsilonBudget: '',
  datasetSize: '',
})

/** Required numbers and what to call them when they are missing or not numbers. */
const REQUIRED: ReadonlyArray<[RunField, keyof RunForm, string]> = [
  ['plannedRounds', 'plannedRounds', 'the planned rounds'],
  ['stepsPerRound', 'stepsPerRound', 'the steps per round'],
  ['dp.noiseMultiplier', 'noiseMultiplier', 'the noise multiplier'],
  ['dp.clippingNorm', 'clippingNorm', 'the clipping norm'],
  ['dp.sampleRate', 'sampleRate', 'the sampling rate'],
  ['dp.delta', 'delta', 'delta'],
  ['dp.epsilonBudget', 'epsilonBudget', 'the epsilon budget'],
]
/** Optional numbers: empty means none. */
const OPTIONAL: ReadonlyArray<[RunField, keyof RunForm, string]> = [
  ['adapter.rank', 'rank', 'the rank'],
  ['adapter.alpha', 'alpha', 'alpha'],
  ['dp.datasetSize', 'datasetSize', 'the dataset size'],
]

const optional = (text: string) => numberOf(text) ?? null
const required = (text: string) => numberOf(text) ?? Number.NaN

/** Target modules as typed: separated by commas, spaces or new lines. */
export const modulesOf = (text: string) => text.split(/[\s,]+/).filter((m) => m.length > 0)

/** The body the form describes, as the server would read it (not yet checked). */
export function candidateOf(form: RunForm) {
  return {
    name: form.name,
    baseModel: form.baseModel,
    adapter: {
      method: form.method,
      rank: optional(form.rank),
      alpha: optional(form.alpha),
      targetModules: modulesOf(form.targetModules),
    },
    plannedRounds: required(form.plannedRounds),
    stepsPerRound: required(form.stepsPerRound),
    dp: {
      noiseMultiplier: required(form.noiseMultiplier),
      clippingNorm: required(form.clippingNorm),
      sampleRate: required(form.sampleRate),
      delta: required(form.delta),
      epsilonBudget: required(form.epsilonBudget),
      datasetSize: optional(form.datasetSize),
    },
  }
}

export type RunFormCheck = { body: CreateRunBody | null; errors: FieldErrors<RunField>; warnings: string[] }

/** The body, or each field's problem (first one per field); and the warnings that do not block. */
export function checkRunForm(form: RunForm): RunFormCheck {
  const parsed = CreateRunBodySchema.safeParse(candidateOf(form))
  const errors: FieldErrors<RunField> = parsed.success ? {} : fieldErrorsOfIssues<RunField>(parsed.error.issues)
  for (const [path, key, what] of [...REQUIRED, ...OPTIONAL]) {
    const value = numberOf(form[key])
    if (value === undefined && REQUIRED.some(([p]) => p === path)) errors[path] = `Enter ${what}.`
    else if (value !== undefined && Number.isNaN(value)) errors[path] = `Enter ${what} as a number.`
  }
  const budget = numberOf(form.epsilonBudget)
  const warnings =
    budget !== undefined && budget > EPSILON_WARNING_ABOVE && !errors['dp.epsilonBudget']
      ? [
          `A budget above ${EPSILON_WARNING_ABOVE} gives little privacy protection. The run is accepted with this warning.`,
        ]
      : []
  return { body: parsed.success ? parsed.data : null, errors, warnings }
}

/** What the projection of a new run needs, once those fields are valid. */
export type ProjectionInput = {
  plannedRounds: number
  stepsPerRound: number
  sampleRate: number
  noiseMultiplier: number
  delta: number
  epsilonBudget: number
}

const PROJECTION_FIELDS: readonly RunField[] = [
  'plannedRounds',
  'stepsPerRound',
  'dp.sampleRate',
  'dp.noiseMultiplier',
  'dp.delta',
  'dp.epsilonBudget',
]

/** The projection's input, as soon as the plan and the privacy settings are valid (the rest may not be). */
export function projectionInputOf(form: RunForm, check: RunFormCheck): ProjectionInput | null {
  if (PROJECTION_FIELDS.some((field) => check.errors[field])) return null
  const { plannedRounds, stepsPerRound, dp } = candidateOf(form)
  const { sampleRate, noiseMultiplier, delta, epsilonBudget } = dp
  return { plannedRounds, stepsPerRound, sampleRate, noiseMultiplier, delta, epsilonBudget }
}
