// The privacy calculator's inputs: typed text, checked field by field, turned into the queries
// of the accountant (steps given directly, or as rounds times steps per round).
import { z } from 'zod'
import { fieldErrorsOfIssues, numberField, numberOf, wholeField } from './number-fields'
import type { FieldErrors } from './number-fields'
import type { EpsilonInput, NoiseInput } from './privacy-methods'

export type StepsMode = 'steps' | 'rounds'

export type CalculatorForm = {
  sampleRate: string
  noiseMultiplier: string
  stepsMode: StepsMode
  steps: string
  rounds: string
  stepsPerRound: string
  delta: string
  targetEpsilon: string
}

export type CalculatorField = Exclude<keyof CalculatorForm, 'stepsMode'>

/** The most steps the calculator takes: a billion noisy steps is far beyond any real run. */
export const MAX_STEPS = 1_000_000_000

const sampleRate = numberField('a sampling rate')
  .refine((n) => n > 0, 'The sampling rate must be greater than 0.')
  .refine((n) => n <= 1, 'The sampling rate is at most 1.')
const noiseMultiplier = numberField('a noise multiplier')
  .refine((n) => n > 0, 'The noise multiplier must be greater than 0.')
  .refine((n) => n <= 1e6, 'Enter a noise multiplier of at most 1,000,000.')
const delta = numberField('delta')
  .refine((n) => n > 0, 'Delta must be greater than 0.')
  .refine((n) => n < 1, 'Delta must be less than 1.')
const targetEpsilon = numberField('a target epsilon')
  .refine((n) => n > 0, 'The target epsilon must be greater than 0.')
  .refine((n) => n <= 1000, 'Enter a target epsilon of at most 1000.')

const stepsSchema = z.object({ steps: wholeField('the steps', 1, MAX_STEPS) })
const roundsSchema = z
  .object({
    rounds: wholeField('the rounds', 1, MAX_STEPS),
    stepsPerRound: wholeField('the steps per round', 1, MAX_STEPS),
  })
  .refine((v) => v.rounds * v.stepsPerRound <= MAX_STEPS, {
    path: ['rounds'],
    message: `Rounds times steps per round is at most ${MAX_STEPS.toLocaleString('en')}.`,
  })

type Parsed<T> =
  { value: T; errors: FieldErrors<CalculatorField> } | { value: null; errors: FieldErrors<CalculatorField> }

const numbers = (form: CalculatorForm) => ({
  stepsMode: form.stepsMode,
  sampleRate: numberOf(form.sampleRate),
  noiseMultiplier: numberOf(form.noiseMultiplier),
  steps: numberOf(form.steps),
  rounds: numberOf(form.rounds),
  stepsPerRound: numberOf(form.stepsPerRound),
  delta: numberOf(form.delta),
  targetEpsilon: numberOf(form.targetEpsilon),
})

function parseSteps(form: CalculatorForm): { steps: number | null; errors: FieldErrors<CalculatorField> } {
  if (form.stepsMode === 'steps') {
    const parsed = stepsSchema.safeParse(numbers(form))
    if (parsed.success) return { steps: parsed.data.steps, errors: {} }
    return { steps: null, errors: fieldErrorsOfIssues<CalculatorField>(parsed.error.issues) }
  }
  const parsed = roundsSchema.safeParse(numbers(form))
  if (parsed.success) return { steps: parsed.data.rounds * parsed.data.stepsPerRound, errors: {} }
  return { steps: null, errors: fieldErrorsOfIssues<CalculatorField>(parsed.error.issues) }
}

/** The epsilon query of the form, or the problems of its fields. */
export function parseEpsilonForm(form: CalculatorForm): Parsed<EpsilonInput> {
  const schema = z.object({ sampleRate, noiseMultiplier, delta })
  const parsed = schema.safeParse(numbers(form))
  const steps = parseSteps(form)
  const errors = {
    ...(parsed.success ? {} : fieldErrorsOfIssues<CalculatorField>(parsed.error.issues)),
    ...steps.errors,
  }
  if (!parsed.success || steps.steps === null) return { value: null, errors }
  return { value: { ...parsed.data, steps: steps.steps }, errors }
}

/** The noise query of the form (for a target epsilon), or the problems of its fields. */
export function parseNoiseForm(form: CalculatorForm): Parsed<NoiseInput> {
  const schema = z.object({ sampleRate, delta, targetEpsilon })
  const parsed = schema.safeParse(numbers(form))
  const steps = parseSteps(form)
  const errors = {
    ...(parsed.success ? {} : fieldErrorsOfIssues<CalculatorField>(parsed.error.issues)),
    ...steps.errors,
  }
  if (!parsed.success || steps.steps === null) return { value: null, errors }
  return { value: { ...parsed.data, steps: steps.steps }, errors }
}
