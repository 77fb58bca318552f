import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALL_ROUTES } from '@tg/contracts'
import type { AnyAppRoute } from '@tg/contracts'
import { createHarness } from './harness'
import type { Caller, Harness } from './harness'
import { WELL_FORMED_ID, changedTables, hostileValue, rowCounts, sendWithin } from './hostile-input'

// Ids that are well-formed and exist, but belong to another run, fleet or expert family than the
// machine client's key: each is refused (403, or 404 for a version of another family) with the
// error envelope, and nothing is written.

const SEED = 0x15a5
const TIMEOUT_MS = 15_000

type Scope = 'run' | 'fleet' | 'expert'
let h: Harness
let operator: Caller
const own: Record<string, string> = {}
const other: Record<string, string> = {}
const keys = {} as Record<Scope, string>
const stats = { inputs: 0 }

const post = async (path: string, body: unknown) => {
  const res = await h.request('POST', path, { ...operator, body })
  expect(res.status, await res.clone().text()).toBe(201)
  return (await res.json()) as { id: string; secret: string }
}

async function resources(into: Record<string, string>, name: string) {
  into.runId = (
    await post('/api/v1/training/runs', {
      name,
      baseModel: 'm',
      adapter: {},
      plannedRounds: 2,
      stepsPerRound: 1,
      dp: { noiseMultiplier: 1, clippingNorm: 1, sampleRate: 0.01, delta: 1e-5, epsilonBudget: 10 },
    })
  ).id
  into.fleetId = (await post('/api/v1/tgsp/fleets', { name })).id
  into.expertId = (await post('/api/v1/fedmoe/experts', { name, baseModel: 'pi-0' })).id
  into.versionId = (await post(`/api/v1/fedmoe/experts/${into.expertId}/versions`, { version: '1.0.0' })).id
}

beforeAll(async () => {
  h = await createHarness()
  operator = await h.userSession('scope-operator', ['operator'])
  await resources(own, 'tenant-a')
  await resources(other, 'tenant-b')
  keys.run = (await post(`/api/v1/training/runs/${own.runId}/agent-keys`, { name: 'agent' })).secret
  keys.fleet = (await post(`/api/v1/tgsp/fleets/${own.fleetId}/agent-keys`, { name: 'agent' })).secret
  keys.expert = (await post('/api/v1/fedmoe/ingest-keys', { name: 'ci', expertIds: [own.expertId] })).secret
})
afterAll(async () => {
  console.warn(`route scopes: ${stats.inputs} requests with another tenant's ids or outside a key's scope, 5xx: 0`)
  await h.close()
})

const scopeOf = (route: AnyAppRoute): Scope | undefined =>
  'x-run-scoped' in route && route['x-run-scoped']
    ? 'run'
    : 'x-fleet-scoped' in route && route['x-fleet-scoped']
      ? 'fleet'
      : 'x-expert-scoped' in route && route['x-expert-scoped']
        ? 'expert'
        : undefined

const pathWith = (route: AnyAppRoute, ids: Record<string, string>) =>
  route.path.replace(/\{([^}]+)\}/g, (_m, name: string) => ids[name] ?? WELL_FORMED_ID)

async function expectRefused(route: AnyAppRoute, path: string, bearer: string, body: unknown, status: number[]) {
  stats.inputs++
  const method = route.method.toUpperCase()
  const observed = await sendWithin(h, TIMEOUT_MS, method, path, method === 'GET' ? { bearer } : { bearer, body })
  expect(observed.hung, `${method} ${path} hung`).toBe(false)
  expect(status, `${method} ${path} -> ${observed.status} ${observed.text.slice(0, 300)}`).toContain(observed.status)
  const { error } = JSON.parse(observed.text) as { error: Record<string, unknown> }
  expect(error).toMatchObject({ code: expect.any(String), message: expect.any(String), requestId: expect.any(String) })
}

const scopedRoutes = ALL_ROUTES.filter((r) => scopeOf(r))

describe("a machine client's key on another tenant's ids", () => {
  it('covers every scoped route (run agents, fleet agents, evidence ingest)', () => {
    expect(scopedRoutes.map((r) => r.operationId)).toEqual(
      expect.arrayContaining(['training.reportRound', 'tgsp.reportHealth']),
    )
    expect(new Set(scopedRoutes.map(scopeOf))).toEqual(new Set(['run', 'fleet', 'expert']))
  })

  it.each(scopedRoutes.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))(
    '%s: the key of tenant A on the resources of tenant B is 403, with any body, nothing written',
    async (_label, route) => {
      const scope = scopeOf(route) as Scope
      const before = await rowCounts(h)
      await fc.assert(
        fc.asyncProperty(fc.oneof(hostileValue, fc.constant({})), async (body) => {
          await expectRefused(route, pathWith(route, other), keys[scope], body, [403])
          // Tenant A's family, tenant B's version: the key is in scope, the version is not A's.
          if (scope === 'expert')
            await expectRefused(
              route,
              pathWith(route, { ...own, versionId: other.versionId as string }),
              keys.expert,
              body,
              [404, 422],
            )
        }),
        { seed: SEED, numRuns: 10 },
      )
      expect(changedTables(before, await rowCounts(h))).toEqual({})
    },
  )

  it('every other route refuses each scoped key with 403, nothing written', async () => {
    const before = await rowCounts(h)
    for (const route of ALL_ROUTES) {
      if (route['x-roles'] === 'public' || scopeOf(route)) continue
      for (const scope of ['run', 'fleet', 'expert'] as const)
        await expectRefused(route, pathWith(route, own), keys[scope], {}, [403])
    }
    expect(changedTables(before, await rowCounts(h))).toEqual({})
  })
})
