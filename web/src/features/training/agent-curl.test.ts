import { ReportRoundBodySchema } from '@tg/contracts'
import { describe, expect, it } from 'vitest'
import { REPORT_ROUND_FIELDS, reportRoundBodyText, reportRoundCurl, reportRoundPath } from './agent-curl'

const RUN = {
  id: '0b3a8f0e-8a5e-4d55-9d0f-3c1f6f7d2a10',
  stepsPerRound: 100,
  dp: { sampleRate: 0.01, noiseMultiplier: 1.1, clippingNorm: 1 },
}

/** The documented body with the run-time values an agent would put in place of the <…> names. */
function filledIn(text: string): unknown {
  const values: Record<string, string> = {
    '<round index, from 0>': '0',
    '<participating clients>': '8',
    '<loss>': '0.5',
    '<accuracy, 0 to 1>': '0.8',
    '<ISO 8601 time the round started>': '2026-11-23T12:00:00Z',
    '<ISO 8601 time the round ended>': '2026-11-23T12:01:00Z',
  }
  return JSON.parse(text.replace(/<[^>]+>/g, (name) => values[name] ?? name))
}

describe('how an agent reports a round', () => {
  it('documents every field of ReportRoundBody and nothing else', () => {
    expect(REPORT_ROUND_FIELDS).toEqual(Object.keys(ReportRoundBodySchema.shape))
  })

  it('gives a body the contract accepts once the agent fills in its values, with the run’s settings', () => {
    const body = filledIn(reportRoundBodyText(RUN))
    expect(ReportRoundBodySchema.safeParse(body).success).toBe(true)
    expect(body).toMatchObject({ steps: 100, sampleRate: 0.01, noiseMultiplier: 1.1, clippingNorm: 1 })
  })

  it('uses the contract’s path, and the key when there is one', () => {
    expect(reportRoundPath(null)).toBe('/api/v1/training/runs/{runId}/rounds')
    const generic = reportRoundCurl({ origin: 'https://console.test', run: null, key: null })
    expect(generic).toContain("curl -X POST 'https://console.test/api/v1/training/runs/{runId}/rounds'")
    expect(generic).toContain("-H 'Authorization: Bearer <agent key>'")
    const specific = reportRoundCurl({ origin: 'https://console.test', run: RUN, key: 'tgk_secret' })
    expect(specific).toContain(`/api/v1/training/runs/${RUN.id}/rounds`)
    expect(specific).toContain("-H 'Authorization: Bearer tgk_secret'")
  })
})
