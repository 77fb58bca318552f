/** A signed-in browser session as the API sees it (see completeSetup / signInApi). */
type Session = { cookie: string; csrf: string }

/** Posts evidence the way a CI pipeline does: a bearer ingest key, no cookie, no browser. */
export function pushEvidence(
  baseUrl: string,
  key: string,
  expertId: string,
  versionId: string,
  body: unknown,
  idempotencyKey?: string,
): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}`, 'content-type': 'application/json' }
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey
  return fetch(`${baseUrl}/api/v1/fedmoe/experts/${expertId}/versions/${versionId}/evidence`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  })
}

/** A console POST with the session cookie, CSRF token and same Origin; the created resource's id. */
async function createWithSession(baseUrl: string, session: Session, path: string, body: unknown): Promise<string> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      origin: baseUrl,
      'content-type': 'application/json',
      cookie: `tg_session=${session.cookie}`,
      'x-csrf-token': session.csrf,
    },
    body: JSON.stringify(body),
  })
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { id: string }).id
}

/** Creates an expert family through the API with a console session; returns its id. */
export const createExpertApi = (baseUrl: string, session: Session, name: string) =>
  createWithSession(baseUrl, session, '/api/v1/fedmoe/experts', { name, baseModel: 'openvla-7b' })

/** Creates a version through the API with a console session; returns its id. */
export const createVersionApi = (baseUrl: string, session: Session, expertId: string, version: string) =>
  createWithSession(baseUrl, session, `/api/v1/fedmoe/experts/${expertId}/versions`, { version })

/** Posts evidence as a signed-in operator or admin; returns the item's id. */
export const postEvidenceApi = (
  baseUrl: string,
  session: Session,
  expertId: string,
  versionId: string,
  body: unknown,
) => createWithSession(baseUrl, session, `/api/v1/fedmoe/experts/${expertId}/versions/${versionId}/evidence`, body)

/** The same 40 inputs for every version; `output` says what the version answers to input i. */
export function tracesOf(output: (i: number) => number) {
  return Array.from({ length: 40 }, (_, i) => ({
    input: { task: `pick-${i}` },
    output: { action: output(i) },
    expected: { action: i % 3 },
    score: output(i) === i % 3 ? 1 : 0.2,
    latency_ms: 100 + i,
  }))
}

export const evalResult = (successRate: number, nSamples: number, traces: unknown[] = []) => ({
  type: 'EVAL_RESULT',
  benchmark: 'libero-long',
  split: 'test',
  n_samples: nSamples,
  metrics: { success_rate: successRate, grasp_rate: successRate - 0.05, smoothness: 0.5 + successRate / 2 },
  baseline_version: null,
  traces,
})

export const approval = (reviewer: string) => ({ type: 'PEER_REVIEW', reviewer, verdict: 'approve', comments: 'ok' })
