// How a training agent reports a round, as documentation text: the real route path from the
// contract, the Authorization header and a body shaped like ReportRoundBody. Values an agent
// knows only at run time are named in angle brackets; a run's declared settings are filled in.
import { reportTrainingRoundRoute } from '@tg/contracts'
import type { ReportRoundBody, Run } from '@tg/contracts'

type DeclaredRun = Pick<Run, 'id' | 'stepsPerRound'> & {
  dp: Pick<Run['dp'], 'sampleRate' | 'noiseMultiplier' | 'clippingNorm'>
}

/** Every field of ReportRoundBody, in the contract's order: a new field fails to compile here. */
const FIELD_TEXT: Record<keyof ReportRoundBody, (run: DeclaredRun | null) => string> = {
  index: () => '<round index, from 0>',
  clients: () => '<participating clients>',
  steps: (run) => (run ? String(run.stepsPerRound) : '<noisy steps in this round>'),
  sampleRate: (run) => (run ? String(run.dp.sampleRate) : '<sampling rate, at most the run’s>'),
  noiseMultiplier: (run) => (run ? String(run.dp.noiseMultiplier) : '<noise multiplier, at least the run’s>'),
  clippingNorm: (run) => (run ? String(run.dp.clippingNorm) : '<clipping norm, at most the run’s>'),
  metrics: () => '{ "loss": <loss>, "accuracy": <accuracy, 0 to 1> }',
  startedAt: () => '"<ISO 8601 time the round started>"',
  endedAt: () => '"<ISO 8601 time the round ended>"',
}

export const REPORT_ROUND_FIELDS = Object.keys(FIELD_TEXT) as Array<keyof ReportRoundBody>

/** The route path for a run, or with `{runId}` left for the reader when no run is named. */
export function reportRoundPath(runId: string | null): string {
  return runId
    ? reportTrainingRoundRoute.path.replace('{runId}', encodeURIComponent(runId))
    : reportTrainingRoundRoute.path
}

/** The JSON body an agent sends, one field per line. */
export function reportRoundBodyText(run: DeclaredRun | null): string {
  const lines = REPORT_ROUND_FIELDS.map((field) => `  "${field}": ${FIELD_TEXT[field](run)}`)
  return `{\n${lines.join(',\n')}\n}`
}

/** The whole call: `curl` with the method, URL, headers and body. */
export function reportRoundCurl(options: { origin: string; run: DeclaredRun | null; key: string | null }): string {
  const url = `${options.origin}${reportRoundPath(options.run?.id ?? null)}`
  return [
    `curl -X ${reportTrainingRoundRoute.method.toUpperCase()} '${url}' \\`,
    `  -H 'Authorization: Bearer ${options.key ?? '<agent key>'}' \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d '${reportRoundBodyText(options.run)}'`,
  ].join('\n')
}
