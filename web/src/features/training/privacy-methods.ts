// What the privacy worker computes, with the shared accountant: epsilon for a number of steps,
// and the inverse, the smallest noise multiplier that keeps epsilon within a target.
import { computeEpsilon, noiseForEpsilon } from '@tg/contracts/privacy'

export type EpsilonInput = { sampleRate: number; noiseMultiplier: number; steps: number; delta: number }
export type NoiseInput = { sampleRate: number; steps: number; delta: number; targetEpsilon: number }

/** Epsilon and the RDP order that attains it; order is null when no order gives a finite bound. */
export type EpsilonOutput = { epsilon: number; order: number | null }
export type NoiseOutput = { noiseMultiplier: number; epsilon: number }

export const privacyMethods = {
  epsilon: async (input: EpsilonInput): Promise<EpsilonOutput> => {
    const { epsilon, order } = computeEpsilon(input)
    return { epsilon, order: Number.isFinite(order) ? order : null }
  },
  noise: async (input: NoiseInput): Promise<NoiseOutput> => noiseForEpsilon(input),
}

export type PrivacyMethods = typeof privacyMethods
