// Fixtures of the FedMoE tests: sessions of each role, families, versions and evidence made
// through the API, the way a client would.
import { expect } from 'vitest'
import { json } from '../../test/harness'
import type { Harness } from '../../test/harness'

export type Session = { cookie: string; csrf: string }
export type Family = { id: string; name: string; baseModel: string }
export type Version = { id: string; version: string; status: string; lastGate: unknown }
export type Rule = {
  rule: string
  label: string
  observed: number | null
  required: number | null
  samples: number | null
  passed: boolean
  message: string
}
export type Gate = { passed: boolean; policySource: string; channel: string | null; rules: Rule[] }
export type Deployment = {
  id: string
  channel: string
  versionId: string
  version: string
  action: string
  endedAt: string | null
}

export const BASE = '/api/v1/fedmoe'

export async function sessions(h: Harness, prefix: string) {
  return {
    operator: await h.userSession(`${prefix}-otto`, ['operator']),
    viewer: await h.userSession(`${prefix}-vera`, ['viewer']),
    releaser: await h.userSession(`${prefix}-rita`, ['release-manager']),
    admin: await h.userSession(`${prefix}-ada`, ['admin']),
  }
}

export function fixtures(h: Harness, operator: () => Session) {
  const createFamily = async (name: string, baseModel = 'openvla-7b', description = '') => {
    const res = await h.request('POST', `${BASE}/experts`, { ...operator(), body: { name, baseModel, description } })
    expect(res.status, await res.clone().text()).toBe(201)
    return json<Family>(res)
  }
  const createVersion = async (expertId: string, version: string, extra: Record<string, unknown> = {}) => {
    const res = await h.request('POST', `${BASE}/experts/${expertId}/versions`, {
      ...operator(),
      body: { version, ...extra },
    })
    expect(res.status, await res.clone().text()).toBe(201)
    return json<Version>(res)
  }
  const evidence = async (expertId: string, versionId: string, body: Record<string, unknown>) => {
    const res = await h.request('POST', `${BASE}/experts/${expertId}/versions/${versionId}/evidence`, {
      ...operator(),
      body,
    })
    expect(res.status, await res.clone().text()).toBe(201)
  }
  const review = (expertId: string, versionId: string, reviewer: string, verdict: string) =>
    evidence(expertId, versionId, { type: 'PEER_REVIEW', reviewer, verdict, comments: '' })
  const evalResult = (expertId: string, versionId: string, metrics: Record<string, number>, nSamples: number) =>
    evidence(expertId, versionId, {
      type: 'EVAL_RESULT',
      benchmark: 'LIBERO-Long',
      split: 'test',
      n_samples: nSamples,
      metrics,
      baseline_version: null,
      traces: [],
    })
  const sim = (expertId: string, versionId: string, episodes: number, success: number, collision: number) =>
    evidence(expertId, versionId, {
      type: 'SIM_SUCCESS',
      simulator: 'isaac',
      scenario: 'kitchen',
      episodes,
      success_rate: success,
      collision_rate: collision,
    })
  const setStatus = (expertId: string, versionId: string, status: string, who: Session = operator()) =>
    h.request('POST', `${BASE}/experts/${expertId}/versions/${versionId}/status`, {
      ...who,
      body: { status, reason: 'test' },
    })
  return { createFamily, createVersion, evidence, review, evalResult, sim, setStatus }
}

/** The issue paths of a 422. */
export async function issuePaths(res: Response): Promise<string[]> {
  const body = await json<{ error: { details?: { issues?: Array<{ path: string }> } } }>(res)
  return (body.error.details?.issues ?? []).map((i) => i.path)
}
