import type { CreateRunBody, ReportRoundBody } from '@tg/contracts'

/** A signed-in browser session as the API sees it (see completeSetup / signInApi). */
type Session = { cookie: string; csrf: string }

/** A console call with the session cookie, CSRF token and same Origin, as the browser makes it. */
async function consoleCall(baseUrl: string, session: Session, path: string, body: unknown): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      origin: baseUrl,
      'content-type': 'application/json',
      cookie: `tg_session=${session.cookie}`,
      'x-csrf-token': session.csrf,
    },
    body: JSON.stringify(body),
  })
}

/** Creates a run through the API; returns its id. */
export async function createRun(baseUrl: string, session: Session, body: CreateRunBody): Promise<string> {
  const res = await consoleCall(baseUrl, session, '/api/v1/training/runs', body)
  if (res.status !== 201) throw new Error(`create run: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { id: string }).id
}

/** Creates the run's agent key through the API; returns its secret. */
export async function createAgentKey(baseUrl: string, session: Session, runId: string): Promise<string> {
  const res = await consoleCall(baseUrl, session, `/api/v1/training/runs/${runId}/agent-keys`, { name: 'agent' })
  if (res.status !== 201) throw new Error(`create agent key: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { secret: string }).secret
}

/** Reports a round the way a training agent does: a bearer key, no cookie, no browser. */
export function reportRound(baseUrl: string, key: string, runId: string, body: ReportRoundBody): Promise<Response> {
  return fetch(`${baseUrl}/api/v1/training/runs/${runId}/rounds`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
}

/** A round at the given settings, with metrics that improve with the index. */
export function roundAt(
  index: number,
  settings: { steps: number; sampleRate: number; noiseMultiplier: number; clippingNorm: number },
): ReportRoundBody {
  const startedAt = new Date(Date.UTC(2026, 10, 23, 12, index)).toISOString()
  const endedAt = new Date(Date.UTC(2026, 10, 23, 12, index, 50)).toISOString()
  return {
    index,
    clients: 8 + index,
    ...settings,
    metrics: { loss: 1 / (index + 2), accuracy: 1 - 1 / (index + 2) },
    startedAt,
    endedAt,
  }
}

/** A run with `rounds` rounds reported by its agent (rounds stay well within its budget); returns its id. */
export async function createRunWithRounds(baseUrl: string, session: Session, name: string, rounds: number) {
  const settings = { steps: 10, sampleRate: 0.01, noiseMultiplier: 1.1, clippingNorm: 1 }
  const runId = await createRun(baseUrl, session, {
    name,
    baseModel: 'llama-3-8b',
    adapter: { method: 'lora', rank: 8, alpha: 16, targetModules: ['q_proj'] },
    plannedRounds: 20,
    stepsPerRound: settings.steps,
    dp: { ...settings, delta: 1e-5, epsilonBudget: 8, datasetSize: null },
  })
  const key = await createAgentKey(baseUrl, session, runId)
  for (let index = 0; index < rounds; index++) {
    const res = await reportRound(baseUrl, key, runId, roundAt(index, settings))
    if (res.status !== 201) throw new Error(`report round: ${res.status} ${await res.text()}`)
  }
  return runId
}
