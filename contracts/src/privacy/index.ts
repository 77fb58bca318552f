// Differential-privacy accounting (RDP of the Poisson-subsampled Gaussian mechanism): pure functions
// and a composable accountant, with no Node APIs, for the BFF and the console in the browser.
export { DEFAULT_ORDERS, computeRdp, type SampledGaussian } from './rdp'
export { epsilonFromRdp, type EpsilonResult } from './conversion'
export {
  MAX_NOISE_MULTIPLIER,
  NOISE_TOLERANCE,
  computeEpsilon,
  noiseForEpsilon,
  type EpsilonQuery,
  type NoiseQuery,
} from './epsilon'
export { RdpAccountant, type RdpAccountantOptions } from './accountant'
export { erfc, logErfc } from './erfc'
export * from './schemas'
