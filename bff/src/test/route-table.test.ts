import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALL_ROUTES, ANY_HOST_PATHS, ROLES } from '@tg/contracts'
import type { AnyAppRoute, Role } from '@tg/contracts'
import { createHarness, json } from './harness'
import type { Caller, ErrorBody, Harness } from './harness'

const SAMPLE_ID = '00000000-0000-4000-8000-000000000000'
const toPath = (route: AnyAppRoute) => route.path.replace(/\{[^}]+\}/g, SAMPLE_ID)
const methodOf = (route: AnyAppRoute) => route.method.toUpperCase()
const bodyOf = (route: AnyAppRoute) => (route.method === 'get' ? undefined : {})
const protectedRoutes = ALL_ROUTES.filter((r) => r['x-roles'] !== 'public')
const isRunScoped = (route: AnyAppRoute) => 'x-run-scoped' in route && route['x-run-scoped'] === true
const isExpertScoped = (route: AnyAppRoute) => 'x-expert-scoped' in route && route['x-expert-scoped'] === true
const isFleetScoped = (route: AnyAppRoute) => 'x-fleet-scoped' in route && route['x-fleet-scoped'] === true
const allowedRoles = (route: AnyAppRoute): readonly Role[] => route['x-roles'] as readonly Role[]

let h: Harness
const sessions = new Map<Role, Required<Pick<Caller, 'cookie' | 'csrf'>>>()
const keys = new Map<Role, string>()

beforeAll(async () => {
  h = await createHarness()
  for (const role of ROLES) {
    sessions.set(role, await h.userSession(`only-${role}`, [role]))
    keys.set(role, await h.apiKey([role], `only-${role}`))
  }
})
afterAll(() => h.close())

describe('the route table', () => {
  it('has a unique operationId per route and names it <domain>.<verb>', () => {
    const ids = ALL_ROUTES.map((r) => r.operationId)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) expect(id).toMatch(/^[a-z]+\.[a-zA-Z]+$/)
  })

  it('documents the error statuses each route can return', () => {
    for (const route of ALL_ROUTES) {
      const statuses = Object.keys(route.responses).map(Number)
      const request = ('request' in route ? route.request : undefined) as
        { body?: unknown; query?: unknown; params?: unknown } | undefined
      const expected = [
        // A Host this server does not serve is 421 everywhere but on the operational paths.
        ...(ANY_HOST_PATHS.includes(route.path) ? [] : [421]),
        // Protected routes read the session from the database, so they can all answer 503.
        ...(route['x-roles'] === 'public' ? [] : [401, 403, 500, 503]),
        ...(request?.body ? [400, 413, 415, 422] : []),
        ...(request && ('query' in request || 'params' in request) ? [422] : []),
      ]
      for (const status of expected) expect(statuses, `${route.operationId} documents ${status}`).toContain(status)
    }
  })

  it.each(protectedRoutes.map((r) => [r.operationId, r] as const))(
    '%s refuses an anonymous caller with 401',
    async (_id, route) => {
      const res = await h.request(methodOf(route), toPath(route), { body: bodyOf(route) })
      expect(res.status).toBe(401)
      const body = await json<ErrorBody>(res)
      expect(body.error.code).toBe('UNAUTHENTICATED')
      expect(body.error.requestId).toBe(res.headers.get('x-request-id'))
    },
  )

  const narrowRoutes = protectedRoutes.filter((r) => ROLES.some((role) => !allowedRoles(r).includes(role)))
  it.each(narrowRoutes.map((r) => [r.operationId, r] as const))(
    '%s refuses every role it does not allow with 403, by session and by API key',
    async (_id, route) => {
      const denied = ROLES.filter((role) => !allowedRoles(route).includes(role))
      for (const role of denied) {
        const bySession = await h.request(methodOf(route), toPath(route), {
          ...sessions.get(role),
          body: bodyOf(route),
        })
        expect(bySession.status, `${role} session`).toBe(403)
        expect((await json<ErrorBody>(bySession)).error.code).toBe('FORBIDDEN')
        const byKey = await h.request(methodOf(route), toPath(route), { bearer: keys.get(role), body: bodyOf(route) })
        expect(byKey.status, `${role} key`).toBe(403)
      }
    },
  )

  it.each(protectedRoutes.map((r) => [r.operationId, r] as const))(
    '%s lets a session with an allowed role through',
    async (_id, route) => {
      const role = allowedRoles(route)[0] as Role
      const session = await h.signIn(`only-${role}`) // fresh: the sign-out route ends its own session
      const res = await h.request(methodOf(route), toPath(route), { ...session, body: bodyOf(route) })
      expect([401, 403]).not.toContain(res.status)
      expect(res.status).not.toBe(500)
      await res.body?.cancel() // the event stream stays open otherwise
    },
  )

  it('gives a key scoped to one training run only the agent routes of that run', async () => {
    const operator = await h.signIn('only-operator')
    const created = await h.request('POST', '/api/v1/training/runs', {
      ...operator,
      body: {
        name: 'scoped',
        baseModel: 'm',
        adapter: {},
        plannedRounds: 3,
        stepsPerRound: 10,
        dp: { noiseMultiplier: 1, clippingNorm: 1, sampleRate: 0.01, delta: 1e-5, epsilonBudget: 5 },
      },
    })
    const { id: runId } = await json<{ id: string }>(created)
    const agent = await h.request('POST', `/api/v1/training/runs/${runId}/agent-keys`, {
      ...operator,
      body: { name: 'agent' },
    })
    const { secret } = await json<{ secret: string }>(agent)
    for (const route of protectedRoutes) {
      const own = route.path.replace('{runId}', runId).replace(/\{[^}]+\}/g, SAMPLE_ID)
      const res = await h.request(methodOf(route), own, { bearer: secret, body: bodyOf(route) })
      if (isRunScoped(route)) expect([401, 403], route.operationId).not.toContain(res.status)
      else expect(res.status, route.operationId).toBe(403)
      await res.body?.cancel()
      if (isRunScoped(route)) {
        const other = await h.request(methodOf(route), toPath(route), { bearer: secret, body: bodyOf(route) })
        expect(other.status, `${route.operationId} on another run`).toBe(403)
      }
    }
  })

  it('gives a FedMoE ingest key only evidence ingest, for its own families', async () => {
    const operator = await h.signIn('only-operator')
    const family = await h.request('POST', '/api/v1/fedmoe/experts', {
      ...operator,
      body: { name: 'scoped-family', baseModel: 'm' },
    })
    const { id: expertId } = await json<{ id: string }>(family)
    const key = await h.request('POST', '/api/v1/fedmoe/ingest-keys', {
      ...operator,
      body: { name: 'pipeline', expertIds: [expertId] },
    })
    const { secret } = await json<{ secret: string }>(key)
    for (const route of protectedRoutes) {
      const own = route.path.replace('{expertId}', expertId).replace(/\{[^}]+\}/g, SAMPLE_ID)
      const res = await h.request(methodOf(route), own, { bearer: secret, body: bodyOf(route) })
      if (isExpertScoped(route)) expect([401, 403], route.operationId).not.toContain(res.status)
      else expect(res.status, route.operationId).toBe(403)
      await res.body?.cancel()
      if (isExpertScoped(route)) {
        const other = await h.request(methodOf(route), toPath(route), { bearer: secret, body: bodyOf(route) })
        expect(other.status, `${route.operationId} on another family`).toBe(403)
      }
    }
  })

  it('gives a fleet agent key only release health reports, for its own fleet', async () => {
    const operator = await h.signIn('only-operator')
    const fleet = await h.request('POST', '/api/v1/tgsp/fleets', { ...operator, body: { name: 'scoped-fleet' } })
    const { id: fleetId } = await json<{ id: string }>(fleet)
    const key = await h.request('POST', `/api/v1/tgsp/fleets/${fleetId}/agent-keys`, {
      ...operator,
      body: { name: 'fleet-agent' },
    })
    const { secret } = await json<{ secret: string }>(key)
    expect(protectedRoutes.filter(isFleetScoped).map((r) => r.operationId)).toEqual(['tgsp.reportHealth'])
    for (const route of protectedRoutes) {
      const own = route.path.replace('{fleetId}', fleetId).replace(/\{[^}]+\}/g, SAMPLE_ID)
      const res = await h.request(methodOf(route), own, { bearer: secret, body: bodyOf(route) })
      if (isFleetScoped(route)) expect([401, 403], route.operationId).not.toContain(res.status)
      else expect(res.status, route.operationId).toBe(403)
      await res.body?.cancel()
      if (isFleetScoped(route)) {
        const other = await h.request(methodOf(route), toPath(route), { bearer: secret, body: bodyOf(route) })
        expect(other.status, `${route.operationId} on another fleet`).toBe(403)
      }
    }
  })
})
