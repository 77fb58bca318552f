import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALL_ROUTES } from '@tg/contracts'
import type { AnyAppRoute, Role } from '@tg/contracts'
import { createHarness, json } from './harness'
import type { Caller, ErrorBody, Harness } from './harness'
import { SYSTEM_ACTOR } from '../modules/audit/record'

// Every declared input of every route, walked from the route table: what a client sends there
// is checked before any handler, so a hostile value answers 4xx, never 500.

const SAMPLE_ID = '00000000-0000-4000-8000-000000000000'
const NUL_VALUE = 'a\u0000b'

type Shape = Record<string, unknown>
type Request = { params?: { shape?: Shape }; query?: { shape?: Shape }; body?: { content?: Record<string, unknown> } }
const requestOf = (route: AnyAppRoute) => ('request' in route ? (route.request as Request) : undefined)
const keysOf = (schema: { shape?: Shape } | undefined) => Object.keys(schema?.shape ?? {})
const jsonSchemaOf = (route: AnyAppRoute) =>
  requestOf(route)?.body?.content?.['application/json'] as { schema: { shape?: Shape } } | undefined
const withParams = (route: AnyAppRoute, values: Record<string, string> = {}) =>
  route.path.replace(/\{([^}]+)\}/g, (_m, name: string) => values[name] ?? SAMPLE_ID)

let h: Harness
const callers = new Map<string, Caller>()

beforeAll(async () => {
  h = await createHarness()
  for (const route of ALL_ROUTES) {
    const access = route['x-roles']
    const role = access === 'public' ? 'public' : (access[0] as Role)
    if (!callers.has(role))
      callers.set(role, role === 'public' ? {} : await h.userSession(`input-${role}`, [role as Role]))
  }
})
afterAll(() => h.close())

const callerOf = (route: AnyAppRoute) =>
  callers.get(route['x-roles'] === 'public' ? 'public' : (route['x-roles'][0] as string)) as Caller

async function expectIssue(res: Response, path: string, message: RegExp) {
  const text = await res.text()
  expect(res.status, text).toBe(422)
  const body = JSON.parse(text) as ErrorBody
  expect(body.error.code).toBe('VALIDATION_FAILED')
  const issues = body.error.details?.issues as Array<{ path: string; message: string }>
  expect(issues, text).toContainEqual({ path, message: expect.stringMatching(message) as string })
}

const withParamsRoutes = ALL_ROUTES.filter((r) => keysOf(requestOf(r)?.params).length > 0)
const withQueryRoutes = ALL_ROUTES.filter((r) => keysOf(requestOf(r)?.query).length > 0)
const withJsonRoutes = ALL_ROUTES.filter((r) => jsonSchemaOf(r))

describe('a NUL character (U+0000) is refused with 422 naming its path, never 500', () => {
  it.each(withParamsRoutes.map((r) => [r.operationId, r] as const))(
    '%s: in each path parameter',
    async (_id, route) => {
      for (const name of keysOf(requestOf(route)?.params)) {
        const path = withParams(route, { [name]: encodeURIComponent(NUL_VALUE) })
        const body = route.method === 'get' ? undefined : {}
        const res = await h.request(route.method.toUpperCase(), path, { ...callerOf(route), body })
        await expectIssue(res, name, /NUL/)
      }
    },
  )

  it.each(withQueryRoutes.map((r) => [r.operationId, r] as const))(
    '%s: in each query parameter',
    async (_id, route) => {
      for (const name of keysOf(requestOf(route)?.query)) {
        const res = await h.request(
          route.method.toUpperCase(),
          `${withParams(route)}?${name}=${encodeURIComponent(NUL_VALUE)}`,
          { ...callerOf(route), body: route.method === 'get' ? undefined : {} },
        )
        await expectIssue(res, name, /NUL/)
      }
    },
  )

  it.each(withJsonRoutes.map((r) => [r.operationId, r] as const))(
    '%s: in each body field, in nested values and in names',
    async (_id, route) => {
      const send = (body: unknown) =>
        h.request(route.method.toUpperCase(), withParams(route), { ...callerOf(route), body })
      for (const name of keysOf(jsonSchemaOf(route)?.schema))
        await expectIssue(await send({ [name]: NUL_VALUE }), name, /NUL/)
      await expectIssue(await send({ deep: { list: ['ok', NUL_VALUE] } }), 'deep.list.1', /NUL/)
      await expectIssue(await send({ deep: { [NUL_VALUE]: 1 } }), `deep.${NUL_VALUE}`, /NUL.*names/)
    },
  )

  it('refuses it in an anonymous sign-in and logs no SQL', async () => {
    const res = await h.request('POST', '/api/v1/auth/sign-in', { body: { username: NUL_VALUE, password: 'x' } })
    await expectIssue(res, 'username', /NUL/)
    expect(h.logs.text()).not.toContain('Failed query')
  })
})

describe('content types are matched exactly, and JSON is UTF-8 only', () => {
  const jsonRoute = withJsonRoutes.find((r) => r.operationId === 'admin.createUser') as AnyAppRoute
  const post = (contentType: string, rawBody = '{}') =>
    h.request('POST', jsonRoute.path, { ...callerOf(jsonRoute), rawBody, headers: { 'content-type': contentType } })

  it.each([
    'application/json; charset=utf-16',
    'application/json; charset=iso-8859-1',
    'application/jsonX',
    'application/json-patch+json',
    'text/json',
    'application json',
  ])('%s is 415', async (contentType) => {
    const res = await post(contentType, contentType.includes('utf-16') ? '\ufeff{}' : '{}')
    expect(res.status).toBe(415)
    expect((await json<ErrorBody>(res)).error.code).toBe('UNSUPPORTED_MEDIA_TYPE')
  })

  it.each(['application/json', 'Application/JSON; Charset="UTF-8"', 'application/json;charset=utf-8'])(
    '%s reaches validation (422 for an empty body)',
    async (contentType) => {
      expect((await post(contentType)).status).toBe(422)
    },
  )

  it('every JSON route refuses charset=utf-16 with 415', async () => {
    for (const route of withJsonRoutes) {
      const res = await h.request(route.method.toUpperCase(), withParams(route), {
        ...callerOf(route),
        rawBody: '{}',
        headers: { 'content-type': 'application/json; charset=utf-16' },
      })
      expect(res.status, route.operationId).toBe(415)
    }
  })

  it('refuses JSON that is not UTF-8 with 400 instead of reading U+FFFD and changing state', async () => {
    const run = await h.request('POST', '/api/v1/training/runs', {
      ...(await h.userSession('input-utf8', ['operator'])),
      body: {
        name: 'utf-8 only',
        baseModel: 'm',
        adapter: {},
        plannedRounds: 2,
        stepsPerRound: 1,
        dp: { noiseMultiplier: 1, clippingNorm: 1, sampleRate: 0.01, delta: 1e-5, epsilonBudget: 10 },
      },
    })
    const { id } = await json<{ id: string }>(run)
    const operator = await h.signIn('input-utf8')
    // {"reason":"\xc3("}: a lead byte without its continuation (found by route-properties.test.ts).
    const rawBody = Uint8Array.from([...Buffer.from('{"reason":"'), 0xc3, 0x28, ...Buffer.from('"}')])
    const res = await h.request('POST', `/api/v1/training/runs/${id}/stop`, {
      ...operator,
      rawBody,
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).toBe(400)
    expect((await json<ErrorBody>(res)).error).toMatchObject({ code: 'BAD_REQUEST', message: /not valid UTF-8/ })
    const after = await h.request('GET', `/api/v1/training/runs/${id}`, operator)
    expect((await json<{ state: string }>(after)).state).not.toBe('stopped')
  })

  it('the package upload takes application/octet-stream exactly', async () => {
    const upload = ALL_ROUTES.find((r) => r.operationId === 'tgsp.uploadPackage') as AnyAppRoute
    const send = (contentType: string) =>
      h.request('POST', upload.path, {
        ...callerOf(upload),
        rawBody: 'not a package',
        headers: { 'content-type': contentType },
      })
    for (const refused of ['application/octet-streamX', 'application/octet-stream-x', 'text/plain'])
      expect((await send(refused)).status, refused).toBe(415)
    const accepted = await send('application/octet-stream')
    expect(accepted.status).toBe(422)
    expect((await json<ErrorBody>(accepted)).error.code).toBe('PACKAGE_REJECTED')
  })
})

describe('a forged pagination cursor is 422 naming the cursor, never 500', () => {
  const b64 = (value: string) => Buffer.from(value).toString('base64url')
  const FORGED = [
    'garbage!',
    b64('["2026-01-01T00:00:00.000Z","not-a-uuid"]'),
    b64(`["-271821-04-20T00:00:00.000Z","${SAMPLE_ID}"]`),
    b64(`["+275760-09-13T00:00:00.000Z","${SAMPLE_ID}"]`),
    b64(`["2026-02-30T00:00:00.000Z","${SAMPLE_ID}"]`),
    b64(`["2026-01-01","${SAMPLE_ID}"]`),
    b64(`["2026-01-01T00:00:00.000Z","${SAMPLE_ID}","extra"]`),
    b64('{"at":1}'),
    b64('null'),
    '-1',
    '1e3',
    '0x10',
    '99999999999999999999',
  ]
  const pagedRoutes = withQueryRoutes.filter((r) => keysOf(requestOf(r)?.query).includes('cursor'))

  it('covers every route that takes a cursor', () => {
    expect(pagedRoutes.map((r) => r.operationId)).toEqual(
      expect.arrayContaining(['admin.listUsers', 'admin.listApiKeys', 'audit.listEntries', 'audit.listCheckpoints']),
    )
  })

  // Routes under a resource page within a real one (a run's rounds), so that the first page is 200.
  const existing: Record<string, string> = {}
  beforeAll(async () => {
    const run = await h.request('POST', '/api/v1/training/runs', {
      ...(await h.userSession('input-run-maker', ['operator'])),
      body: {
        name: 'cursor walk',
        baseModel: 'm',
        adapter: {},
        plannedRounds: 2,
        stepsPerRound: 1,
        dp: { noiseMultiplier: 1, clippingNorm: 1, sampleRate: 0.01, delta: 1e-5, epsilonBudget: 10 },
      },
    })
    expect(run.status).toBe(201)
    existing.runId = ((await run.json()) as { id: string }).id
    // A FedMoE family with two versions, each with an evaluation of one trace.
    const operator = await h.userSession('input-expert-maker', ['operator'])
    const post = async (path: string, body: unknown) => {
      const res = await h.request('POST', path, { ...operator, body })
      expect(res.status, await res.clone().text()).toBe(201)
      return ((await res.json()) as { id: string }).id
    }
    existing.expertId = await post('/api/v1/fedmoe/experts', { name: 'cursor-walk', baseModel: 'pi-0' })
    const versionIds: string[] = []
    for (const version of ['1.0.0', '1.1.0']) {
      const versionId = await post(`/api/v1/fedmoe/experts/${existing.expertId}/versions`, { version })
      versionIds.push(versionId)
      existing.versionId = versionId
      existing.evidenceId = await post(`/api/v1/fedmoe/experts/${existing.expertId}/versions/${versionId}/evidence`, {
        type: 'EVAL_RESULT',
        benchmark: 'walk',
        split: 'test',
        n_samples: 1,
        metrics: { score: 1 },
        baseline_version: null,
        traces: [{ input: 'in', output: 'out', expected: null, score: 1, latency_ms: 1 }],
      })
    }
    extraQuery['fedmoe.compareTraces'] = `versions=${versionIds.join(',')}&benchmark=walk&`
    const ctx = { actor: SYSTEM_ACTOR, requestId: null, clientIp: null }
    existing.connectorId = (
      await h.services.integrations.createConnector(ctx, {
        name: 'cursor walk',
        enabled: false,
        config: { kind: 'ros2_bridge', url: 'ws://bridge.example:9090' },
      })
    ).id
    existing.webhookId = (
      await h.services.integrations.createWebhook(ctx, {
        name: 'cursor walk',
        url: 'https://hooks.example/tg',
        events: ['webhook.test'],
        enabled: true,
      })
    ).webhook.id
  })
  /** Query parameters a paged route requires besides the cursor. */
  const extraQuery: Record<string, string> = {}

  it.each(pagedRoutes.map((r) => [r.operationId, r] as const))('%s', async (_id, route) => {
    const path = withParams(route, existing)
    const extra = extraQuery[route.operationId] ?? ''
    const first = await h.request('GET', `${path}?${extra}limit=1`, callerOf(route))
    expect(first.status, await first.clone().text()).toBe(200)
    for (const cursor of FORGED) {
      const res = await h.request('GET', `${path}?${extra}cursor=${encodeURIComponent(cursor)}`, callerOf(route))
      await expectIssue(res, 'cursor', /./)
    }
  })
})
