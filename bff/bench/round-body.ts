/**
 * The round report the benches send: mixed parameters, as runs that tighten their noise over
 * time have (a new (sampling rate, noise) pair every few rounds for the accountant to add).
 */
export function mixedRound(index: number, steps: number) {
  return {
    index,
    clients: 16,
    steps,
    sampleRate: index % 3 === 0 ? 0.0005 : 0.001,
    noiseMultiplier: index % 2 === 0 ? 1.1 : 1.3,
    clippingNorm: 1,
    metrics: { loss: 1 / (index + 1), accuracy: 0.5 },
    startedAt: '2026-11-30T00:00:00.000Z',
    endedAt: '2026-11-30T00:01:00.000Z',
  }
}
