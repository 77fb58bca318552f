// How the arena presents a delta against the baseline: the signed value, both sample counts, and
// a visible mark when it rests on few samples or is within the noise, as the server judged it.

import { ARENA_MIN_SAMPLES_FOR_SIGNIFICANCE } from '@tg/contracts'
import type { ArenaComparison, ArenaDelta } from '@tg/contracts'

/** Below this many samples on either side a delta is marked "few samples" (the server's rule too). */
export const FEW_SAMPLES = ARENA_MIN_SAMPLES_FOR_SIGNIFICANCE

export type DeltaMark = 'baseline' | 'missing' | 'few-samples' | 'not-significant' | 'significant'

const SIGNED = new Intl.NumberFormat('en', { maximumSignificantDigits: 3, signDisplay: 'exceptZero' })

/** The mark of a delta: the baseline itself, no value, few samples, not significant, or significant. */
export function deltaMarkOf(delta: ArenaDelta | null, isBaseline: boolean): DeltaMark {
  if (isBaseline) return 'baseline'
  if (delta === null) return 'missing'
  if (Math.min(delta.samples, delta.baselineSamples) < FEW_SAMPLES) return 'few-samples'
  return delta.significant ? 'significant' : 'not-significant'
}

export const DELTA_MARK_LABELS: Record<DeltaMark, string> = {
  baseline: 'baseline',
  missing: 'no value',
  'few-samples': 'few samples',
  'not-significant': 'not significant',
  significant: 'significant',
}

/** "+0.042", "−0.1", "0". */
export function formatDelta(delta: number): string {
  return SIGNED.format(delta)
}

export type DeltaCell = {
  metric: string
  value: number | null
  delta: ArenaDelta | null
  mark: DeltaMark
}
export type DeltaRow = {
  versionId: string
  version: string
  isBaseline: boolean
  nSamples: number | null
  cells: DeltaCell[]
}

/** The delta table: one row per compared version (in the server's order), one cell per metric. */
export function deltaRowsOf(arena: ArenaComparison): DeltaRow[] {
  return arena.versions.map((version) => {
    const isBaseline = version.versionId === arena.baselineVersionId
    return {
      versionId: version.versionId,
      version: version.version,
      isBaseline,
      nSamples: version.nSamples,
      cells: arena.metrics.map((metric) => {
        const delta = isBaseline ? null : (version.deltas[metric] ?? null)
        return { metric, value: version.metrics[metric] ?? null, delta, mark: deltaMarkOf(delta, isBaseline) }
      }),
    }
  })
}
