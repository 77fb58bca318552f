import { FINAL_RUN_STATES } from '@tg/contracts'
import type { Run, RunState } from '@tg/contracts'

const NUMBER = new Intl.NumberFormat('en', { maximumSignificantDigits: 4 })

/** A setting or metric to four significant digits ("0.01", "1.1"; "1.0e-5" below 1e-4). */
export function formatNumber(value: number): string {
  return Math.abs(value) > 0 && Math.abs(value) < 1e-4 ? value.toExponential(1) : NUMBER.format(value)
}

export const isFinalState = (state: RunState) => FINAL_RUN_STATES.includes(state)

/** "3 of 10", with the missing ones when there are. */
export function formatRounds(run: Pick<Run, 'roundsRecorded' | 'plannedRounds' | 'missingRounds'>): string {
  const done = `${run.roundsRecorded} of ${run.plannedRounds}`
  return run.missingRounds > 0 ? `${done} (${run.missingRounds} missing)` : done
}

/** The run detail page. */
export const runPath = (runId: string) => `/training/runs/${encodeURIComponent(runId)}`
