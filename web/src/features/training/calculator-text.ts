// The calculator's results, each explained in one sentence.
import type { EpsilonInput, EpsilonOutput, NoiseInput, NoiseOutput } from './privacy-methods'
import { formatEpsilon } from '@/shared/ui/training-format'
import { formatNumber } from './run-view'

const steps = (n: number) => `${n.toLocaleString('en')} ${n === 1 ? 'step' : 'steps'}`

export function explainEpsilon(input: EpsilonInput, output: EpsilonOutput): string {
  const order =
    output.order === null ? 'no RDP order gives a finite bound' : `the bound is tightest at RDP order ${output.order}`
  return (
    `${steps(input.steps)} at sampling rate ${formatNumber(input.sampleRate)} with noise multiplier ` +
    `${formatNumber(input.noiseMultiplier)} are (ε = ${formatEpsilon(output.epsilon)}, δ = ${formatNumber(input.delta)})` +
    `-differentially private; ${order}.`
  )
}

export function explainNoise(input: NoiseInput, output: NoiseOutput): string {
  return (
    `To keep ${steps(input.steps)} at sampling rate ${formatNumber(input.sampleRate)} within ε = ` +
    `${formatEpsilon(input.targetEpsilon)} at δ = ${formatNumber(input.delta)}, use a noise multiplier of at least ` +
    `${formatNumber(output.noiseMultiplier)} (it gives ε = ${formatEpsilon(output.epsilon)}).`
  )
}
