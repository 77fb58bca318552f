import { readdirSync } from 'node:fs'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALL_ROUTES } from '@tg/contracts'
import type { AnyAppRoute, Role } from '@tg/contracts'
import { createHarness } from './harness'
import type { Caller, Harness } from './harness'
import {
  PROTO_KEYS,
  RAW_BODIES,
  WELL_FORMED_ID,
  hostileString,
  hostileValue,
  inputsOf,
  isErrorEnvelope,
  percentEncode,
  queryString,
  changedTables,
  rowCounts,
  sendWithin,
  withOwnKeys,
} from './hostile-input'
import type { HostileBody, Observed } from './hostile-input'
import { makePackage, publisherKey } from '../modules/tgsp/test-support'

// Property suite: every route of the route table, signed in with a role it allows (and with the
// machine client's API key where it has one), takes inputs its zod schemas refuse — wrong types,
// missing and extra fields, huge strings and arrays, deep nesting, NUL and invalid UTF-8 bytes,
// prototype keys, out-of-range numbers — and must answer each with a 4xx error envelope, never a
// 5xx, never hang, and keep nothing of it in the database.

const SEED = 0x15a
const RUNS_PER_ROUTE = 12
const TIMEOUT_MS = 15_000

type Input = {
  params: Record<string, string>
  query: Array<[string, string]>
  body?: HostileBody
  /** Whether the route's contract refuses this input (else only "no 5xx" is asserted). */
  isRefused: boolean
  viaKey: boolean
}

const stats = {
  inputs: 0,
  refused: 0,
  accepted: 0,
  serverErrors: 0,
  notConfigured: 0,
  hangs: 0,
  routes: new Set<string>(),
}

let h: Harness
const sessions = new Map<string, Caller>()
/** Real resources: machine-client routes are attacked on their own run, fleet and family. */
const real: Record<string, string> = {}
const keys: Record<string, string> = {}

beforeAll(async () => {
  h = await createHarness()
  for (const route of ALL_ROUTES) {
    const access = route['x-roles']
    const role = access === 'public' ? 'public' : (access[0] as Role)
    if (!sessions.has(role))
      sessions.set(role, role === 'public' ? {} : await h.userSession(`prop-${role}`, [role as Role]))
  }
  keys.publisher = await publisherKey(h)
  const operator = await h.userSession('prop-maker', ['operator'])
  const post = async (path: string, body: unknown) => {
    const res = await h.request('POST', path, { ...operator, body })
    expect(res.status, await res.clone().text()).toBe(201)
    return (await res.json()) as { id: string; secret: string }
  }
  real.runId = (await post('/api/v1/training/runs', runBody('prop run'))).id
  real.fleetId = (await post('/api/v1/tgsp/fleets', { name: 'prop-fleet' })).id
  real.expertId = (await post('/api/v1/fedmoe/experts', { name: 'prop-family', baseModel: 'pi-0' })).id
  real.versionId = (await post(`/api/v1/fedmoe/experts/${real.expertId}/versions`, { version: '1.0.0' })).id
  keys.run = (await post(`/api/v1/training/runs/${real.runId}/agent-keys`, { name: 'agent' })).secret
  keys.fleet = (await post(`/api/v1/tgsp/fleets/${real.fleetId}/agent-keys`, { name: 'agent' })).secret
  keys.expert = (await post('/api/v1/fedmoe/ingest-keys', { name: 'ci', expertIds: [real.expertId] })).secret
})

afterAll(async () => {
  console.warn(
    `route properties: ${stats.routes.size} of ${ALL_ROUTES.length} routes covered, ${stats.inputs} inputs tried ` +
      `(${stats.refused} refused by contract, ${stats.accepted} accepted), 5xx: ${stats.serverErrors}, hangs: ${stats.hangs} ` +
      `(501 "not configured" to valid input where the route declares it: ${stats.notConfigured})`,
  )
  await h.close()
})

function runBody(name: string) {
  return {
    name,
    baseModel: 'm',
    adapter: {},
    plannedRounds: 2,
    stepsPerRound: 1,
    dp: { noiseMultiplier: 1, clippingNorm: 1, sampleRate: 0.01, delta: 1e-5, epsilonBudget: 10 },
  }
}

/**
 * Routes whose refusals are recorded by design: a refused package upload is audited
 * (`tgsp.package_rejected`, outcome failure) and announced to webhooks (`package.refused`).
 */
const RECORDED_REFUSALS: Record<string, string> = { 'tgsp.uploadPackage': 'tgsp.package_rejected' }
const RECORD_TABLES = ['public.audit_log', 'public.audit_nodes', 'public.webhook_events']

/** The machine client's key for a route, when it has one. */
function machineKey(route: AnyAppRoute): string | undefined {
  if ('x-run-scoped' in route && route['x-run-scoped']) return keys.run
  if ('x-fleet-scoped' in route && route['x-fleet-scoped']) return keys.fleet
  if ('x-expert-scoped' in route && route['x-expert-scoped']) return keys.expert
  if (route.operationId === 'tgsp.uploadPackage') return keys.publisher
  return undefined
}

const isSafe = (route: AnyAppRoute) => route.method === 'get'
const hasNul = (value: string) => value.includes('\u0000')

/** Whether the contract refuses a JSON body: its schema fails, or a NUL is anywhere in it. */
function refusesJson(route: AnyAppRoute, value: unknown): boolean {
  const schema = inputsOf(route).body
  if (!schema || inputsOf(route).mediaType !== 'application/json') return false
  return !schema.safeParse(value).success || hasNul(JSON.stringify(value))
}

/** Whether the contract refuses a raw body: not UTF-8 JSON of the schema, or the wrong type. */
function refusesRaw(route: AnyAppRoute, body: { raw: Uint8Array; contentType?: string }): boolean {
  const { mediaType } = inputsOf(route)
  if (!mediaType) return false
  if (body.contentType || mediaType === 'application/octet-stream') return true
  if (body.raw.byteLength > 64 * 1024) return true
  let text: string
  let value: unknown
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body.raw)
    value = JSON.parse(text)
  } catch {
    return true
  }
  return text.includes('\u0000') || text.includes('\\u0000') || !inputsOf(route).body?.safeParse(value).success
}

function inputArbitrary(route: AnyAppRoute): fc.Arbitrary<Input> {
  const inputs = inputsOf(route)
  const key = machineKey(route)
  const viaKey = key ? fc.boolean() : fc.constant(false)
  const baseParams = () => Object.fromEntries(inputs.paramNames.map((n) => [n, real[n] ?? WELL_FORMED_ID]))
  const kinds: Array<fc.Arbitrary<Input>> = []

  if (inputs.paramNames.length > 0)
    kinds.push(
      fc
        .record({ name: fc.constantFrom(...inputs.paramNames), value: hostileString, viaKey })
        .filter(({ value }) => value !== '' && inputs.params?.safeParse({ [value]: value }).success !== true)
        .map(({ name, value, viaKey }) => ({
          params: { ...baseParams(), [name]: value },
          query: [],
          body: inputs.mediaType === 'application/json' ? { json: {} } : undefined,
          isRefused: true,
          viaKey,
        })),
    )

  if (inputs.queryNames.length > 0)
    kinds.push(
      fc
        .record({
          values: fc.dictionary(fc.constantFrom(...inputs.queryNames), hostileString, { minKeys: 1 }),
          extra: fc.option(fc.tuple(fc.constantFrom(...PROTO_KEYS, 'unknown'), hostileString), { nil: undefined }),
          viaKey,
        })
        .filter(({ values }) => !inputs.query?.safeParse(values).success || Object.values(values).some(hasNul))
        .map(({ values, extra, viaKey }) => ({
          params: baseParams(),
          query: [...Object.entries(values), ...(extra ? [extra] : [])],
          body: inputs.mediaType === 'application/json' ? { json: {} } : undefined,
          isRefused: true,
          viaKey,
        })),
    )

  if (inputs.mediaType === 'application/json') {
    const declared = inputs.bodyNames.length > 0 ? inputs.bodyNames : ['value']
    const objectBody = fc
      .record({
        fields: fc.dictionary(fc.constantFrom(...declared), hostileValue, { maxKeys: declared.length }),
        extra: fc.array(fc.tuple(fc.constantFrom(...PROTO_KEYS, 'extra', 'x'.repeat(3000)), hostileValue), {
          maxLength: 2,
        }),
      })
      .map(({ fields, extra }) => withOwnKeys([...Object.entries(fields), ...extra]))
    const body = fc.oneof(objectBody, hostileValue)
    kinds.push(
      fc
        .record({ json: body, viaKey })
        .filter(({ json }) => refusesJson(route, json))
        .map(({ json, viaKey }) => ({ params: baseParams(), query: [], body: { json }, isRefused: true, viaKey })),
    )
  }

  if (inputs.mediaType === 'application/octet-stream') {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 4096 }),
      fc.integer({ min: 0, max: 400 }).map((end) => makePackage().subarray(0, end)),
    )
    kinds.push(
      fc
        .record({ raw: bytes, viaKey })
        .map(({ raw, viaKey }) => ({ params: baseParams(), query: [], body: { raw }, isRefused: true, viaKey })),
    )
  }

  if (kinds.length === 0)
    // Nothing declared: extra query fields and a body the route does not take are ignored.
    kinds.push(
      fc
        .record({
          query: fc.array(fc.tuple(fc.constantFrom(...PROTO_KEYS, 'limit', 'x'), hostileString), { maxLength: 3 }),
          json: hostileValue,
        })
        .map(({ query, json }) => ({
          params: {},
          query,
          body: isSafe(route) ? undefined : { json },
          isRefused: false,
          viaKey: false,
        })),
    )
  return fc.oneof(...kinds)
}

function callerFor(route: AnyAppRoute, viaKey: boolean): Caller {
  const key = machineKey(route)
  if (viaKey && key) return { bearer: key }
  const access = route['x-roles']
  return sessions.get(access === 'public' ? 'public' : (access[0] as string)) as Caller
}

async function send(route: AnyAppRoute, input: Input, caller: Caller): Promise<Observed> {
  const path = route.path.replace(/\{([^}]+)\}/g, (_m, name: string) => percentEncode(input.params[name] ?? ''))
  const search = input.query.length > 0 ? `?${queryString(input.query)}` : ''
  const body = input.body
  const options =
    body === undefined
      ? caller
      : 'json' in body
        ? { ...caller, rawBody: JSON.stringify(body.json) ?? 'null', headers: { 'content-type': 'application/json' } }
        : {
            ...caller,
            rawBody: body.raw,
            headers: { 'content-type': body.contentType ?? inputsOf(route).mediaType ?? 'application/json' },
          }
  return sendWithin(h, TIMEOUT_MS, route.method.toUpperCase(), `${path}${search}`, options)
}

/** Asserts what a client observes of one hostile request; true when the request changed state. */
function check(route: AnyAppRoute, input: Input, observed: Observed): boolean {
  stats.inputs++
  stats.routes.add(`${route.method} ${route.path}`)
  if (observed.hung) stats.hangs++
  if (observed.status >= 500 && !isDeclaredNotConfigured(route, input, observed)) stats.serverErrors++
  const label = `${route.method} ${route.path} ${JSON.stringify(input).slice(0, 400)}`
  expect(observed.hung, `no answer within ${TIMEOUT_MS} ms: ${label}`).toBe(false)
  if (isDeclaredNotConfigured(route, input, observed)) stats.notConfigured++
  else expect(observed.status, `${label} -> ${observed.text.slice(0, 400)}`).toBeLessThan(500)
  if (input.isRefused) {
    stats.refused++
    expect(observed.status, `${label} -> ${observed.text.slice(0, 400)}`).toBeGreaterThanOrEqual(400)
  } else stats.accepted++
  if (observed.status >= 400) expect(isErrorEnvelope(observed.text), `${label} -> ${observed.text}`).toBe(true)
  expect(({} as Record<string, unknown>).polluted, 'Object.prototype polluted').toBeUndefined()
  return !input.isRefused && observed.status < 300 && !isSafe(route)
}

/** 501 where the route declares it for a feature this server has not configured (single sign-on), to valid input. */
function isDeclaredNotConfigured(route: AnyAppRoute, input: Input, observed: Observed): boolean {
  if (input.isRefused || observed.status !== 501 || !('501' in route.responses)) return false
  return (JSON.parse(observed.text) as { error: { code: string } }).error.code === 'NOT_SUPPORTED'
}

const blobsKept = () =>
  readdirSync(h.blobDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).length

describe('every route answers inputs its contract refuses with a 4xx error envelope, keeping nothing', () => {
  it.each(ALL_ROUTES.map((r, i) => [`${r.method.toUpperCase()} ${r.path}`, r, i] as const))(
    '%s',
    async (_label, route, index) => {
      // Signing out ends the session it is sent with: give it one of its own.
      if (route.operationId === 'auth.signOut') sessions.set('viewer', await h.userSession('prop-leaver', ['viewer']))
      const before = await rowCounts(h)
      const blobsBefore = blobsKept()
      let changedState = false
      await fc.assert(
        fc.asyncProperty(inputArbitrary(route), async (input) => {
          const observed = await send(route, input, callerFor(route, input.viaKey))
          changedState = check(route, input, observed) || changedState
        }),
        { seed: SEED + index, numRuns: RUNS_PER_ROUTE, endOnFailure: true },
      )
      if (inputsOf(route).mediaType === 'application/json')
        for (const raw of RAW_BODIES) {
          if (!('raw' in raw)) continue
          const input: Input = { params: {}, query: [], body: raw, isRefused: refusesRaw(route, raw), viaKey: false }
          for (const name of inputsOf(route).paramNames) input.params[name] = real[name] ?? WELL_FORMED_ID
          changedState = check(route, input, await send(route, input, callerFor(route, false))) || changedState
        }
      if (!changedState) {
        const changed = changedTables(before, await rowCounts(h))
        const recorded = RECORDED_REFUSALS[route.operationId]
        if (recorded) {
          // A refusal recorded on purpose: its failure audit entry (and Merkle nodes) and event only.
          for (const table of RECORD_TABLES) delete changed[table]
          const added = (await h.auditEntries()).slice(before['public.audit_log'])
          expect(added.map((e) => [e.body.action, e.body.outcome])).toEqual(added.map(() => [recorded, 'failure']))
        }
        expect(changed).toEqual({})
      }
      expect(blobsKept()).toBe(blobsBefore)
    },
  )
})
