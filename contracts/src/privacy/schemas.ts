// zod schemas for differential-privacy settings, e.g. a training run's budget and the parameters of
// one round, for forms in the console and request bodies in the BFF. The accountant's functions
// validate their own inputs as well (RangeError), so these are for the edges.
import { z } from 'zod'

/** How an RDP curve becomes (epsilon, delta): see `conversion.ts`. */
export const ConversionSchema = z.enum(['classic', 'improved'])
export type Conversion = z.infer<typeof ConversionSchema>

export const SampleRateSchema = z.number().min(0, 'Enter a rate of at least 0.').max(1, 'Enter a rate of at most 1.')
export const NoiseMultiplierSchema = z.number().min(0, 'Enter a noise multiplier of at least 0.')
export const DeltaSchema = z.number().gt(0, 'Delta must be greater than 0.').lt(1, 'Delta must be less than 1.')

/**
 * One round of a run: `steps` noisy aggregations (steps of the sampled Gaussian mechanism), each
 * sampling every record or client with probability `sampleRate` and adding Gaussian noise of
 * standard deviation `noiseMultiplier` times the L2 sensitivity (clipping norm).
 */
export const PrivacyRoundSchema = z.object({
  sampleRate: SampleRateSchema,
  noiseMultiplier: NoiseMultiplierSchema,
  steps: z.number().int('Enter a whole number of steps.').min(0, 'Enter at least 0 steps.'),
})
export type PrivacyRound = z.infer<typeof PrivacyRoundSchema>

/** A run's differential-privacy settings: the budget (epsilon at delta) and the planned mechanism. */
export const DpSettingsSchema = z.object({
  targetEpsilon: z.number().gt(0, 'The epsilon budget must be greater than 0.'),
  delta: DeltaSchema,
  sampleRate: SampleRateSchema,
  noiseMultiplier: NoiseMultiplierSchema,
  conversion: ConversionSchema.default('improved'),
})
export type DpSettings = z.infer<typeof DpSettingsSchema>
