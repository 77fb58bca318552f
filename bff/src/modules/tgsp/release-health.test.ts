import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { tgspReleases } from '../../db/schema'
import { json } from '../../test/harness'
import type { ErrorBody, Harness } from '../../test/harness'
import { UPLOAD_PATH, makePackage, publisherKey } from './test-support'
import { forEachDatabase, openForBlock, type Open } from '../../test/databases'

type Session = { cookie: string; csrf: string }
type Condition = { name: string; required: number; observed: number | null; passed: boolean; message: string }

let h: Harness
let admin: Session
let operator: Session
let releaser: Session
let publisher: string

const uploaded = async () => {
  const res = await h.request('POST', UPLOAD_PATH, {
    bearer: publisher,
    rawBody: makePackage(),
    headers: { 'content-type': 'application/octet-stream' },
  })
  expect(res.status, await res.clone().text()).toBe(201)
  return json<{ id: string; contentId: string }>(res)
}
const createFleet = async (name: string, soakMinutes = 0) => {
  const res = await h.request('POST', '/api/v1/tgsp/fleets', { ...operator, body: { name, soakMinutes } })
  expect(res.status).toBe(201)
  return json<{ id: string }>(res)
}
const fleetKey = async (fleetId: string) => {
  const res = await h.request('POST', `/api/v1/tgsp/fleets/${fleetId}/agent-keys`, {
    ...operator,
    body: { name: 'fleet-agent' },
  })
  expect(res.status).toBe(201)
  return json<{ secret: string; apiKey: { roles: string[]; scopeFleetId: string } }>(res)
}
const release = (fleetId: string, packageId: string, channel: string, who: Session = releaser, extra = {}) =>
  h.request('POST', '/api/v1/tgsp/releases', { ...who, body: { packageId, fleetId, channel, ...extra } })
const report = (fleetId: string, bearer: string, body: unknown, key?: string) =>
  h.request('POST', `/api/v1/tgsp/fleets/${fleetId}/health`, {
    bearer,
    body,
    ...(key ? { headers: { 'idempotency-key': key } } : {}),
  })
const setPolicy = (fleetId: string, health: unknown, who: Session = admin) =>
  h.request('PUT', `/api/v1/tgsp/fleets/${fleetId}/health-policy`, { ...who, body: { health } })
const refusalOf = async (res: Response) => {
  expect(res.status).toBe(409)
  const { error } = await json<ErrorBody>(res)
  expect(error.code).toBe('RELEASE_POLICY')
  return error as ErrorBody['error'] & { details: { conditions: Condition[]; allowedAt: string | null } }
}
const unmet = (conditions: Condition[]) => conditions.filter((c) => !c.passed).map((c) => c.name)

function suite(name: string, open: Open) {
  describe(name, () => {
    const block = openForBlock(`${name}`, open, async (opened) => {
      ;({ h } = opened)
      publisher = await publisherKey(h)
      admin = await h.signIn('root')
      operator = await h.userSession('otto', ['operator'])
      releaser = await h.userSession('rita', ['release-manager'])
    })

    describe('release health reports', () => {
      it('takes reports from a fleet key for its own fleet only, idempotent by key, audited', async (t) => {
        if (block.skipped) return t.skip()
        const fleet = await createFleet('health-a')
        const other = await createFleet('health-b')
        const pkg = await uploaded()
        expect((await release(fleet.id, pkg.id, 'canary')).status).toBe(201)
        const key = await fleetKey(fleet.id)
        expect(key.apiKey).toMatchObject({ roles: [], scopeFleetId: fleet.id })

        const body = { channel: 'canary', packageId: pkg.id, successes: 90, failures: 10 }
        const first = await report(fleet.id, key.secret, body, 'batch-1')
        expect(first.status).toBe(201)
        const receipt = await json<{ id: string; replayed: boolean }>(first)
        expect(receipt.replayed).toBe(false)
        const again = await report(fleet.id, key.secret, body, 'batch-1')
        expect(again.status).toBe(200)
        expect(await json(again)).toMatchObject({ id: receipt.id, replayed: true })
        const changed = await report(fleet.id, key.secret, { ...body, failures: 11 }, 'batch-1')
        expect(changed.status).toBe(409)
        expect((await json<ErrorBody>(changed)).error.details).toMatchObject({ field: 'Idempotency-Key' })

        const entries = (await h.auditEntries()).filter((e) => e.body.action === 'tgsp.health_reported')
        expect(entries).toHaveLength(1)
        expect(entries[0]?.body).toMatchObject({
          actor: { name: expect.stringContaining('fleet-agent') },
          resource: { id: fleet.id },
          details: { channel: 'canary', successes: 90, failures: 10 },
        })

        // The key is only for its own fleet's health reports.
        expect((await report(other.id, key.secret, body)).status).toBe(403)
        expect((await h.request('GET', '/api/v1/tgsp/packages', { bearer: key.secret })).status).toBe(403)
        expect((await h.request('GET', `/api/v1/tgsp/fleets/${fleet.id}/health`, { bearer: key.secret })).status).toBe(
          403,
        )

        const health = await json<{
          items: Array<{ channel: string; totals: Record<string, unknown>; verdict: string }>
        }>(await h.request('GET', `/api/v1/tgsp/fleets/${fleet.id}/health`, operator))
        expect(health.items).toEqual([
          expect.objectContaining({
            channel: 'canary',
            totals: expect.objectContaining({ reports: 1, successes: 90, failures: 10, failureRate: 0.1 }),
            verdict: 'no_policy',
          }),
        ])
      })

      it('refuses unknown packages and channels (422 naming the field), unreleased ones (409) and unknown fleets (404)', async (t) => {
        if (block.skipped) return t.skip()
        const fleet = await createFleet('health-c')
        const pkg = await uploaded()
        const key = await fleetKey(fleet.id)
        const body = { channel: 'canary', packageId: pkg.id, successes: 1, failures: 0 }
        const issuesOf = async (res: Response) => {
          expect(res.status).toBe(422)
          return JSON.stringify((await json<ErrorBody>(res)).error.details)
        }
        const missing = '00000000-0000-4000-8000-000000000000'
        expect(await issuesOf(await report(fleet.id, key.secret, { ...body, packageId: missing }))).toContain(
          'packageId',
        )
        expect(await issuesOf(await report(fleet.id, key.secret, { ...body, channel: 'beta' }))).toContain('channel')
        expect(await issuesOf(await report(fleet.id, key.secret, { ...body, successes: 0 }))).toContain('successes')
        expect(await issuesOf(await report(fleet.id, key.secret, { ...body, failures: -1 }))).toContain('failures')
        expect((await report(fleet.id, key.secret, body)).status).toBe(409)
        expect((await report(missing, key.secret, body)).status).toBe(403)
        expect((await report(missing, (await h.apiKey(['operator'])) as string, body)).status).toBe(404)
        expect((await h.request('GET', `/api/v1/tgsp/fleets/${missing}/health`, operator)).status).toBe(404)
        expect((await setPolicy(missing, null)).status).toBe(404)
        expect(
          (await h.request('POST', `/api/v1/tgsp/fleets/${missing}/agent-keys`, { ...operator, body: { name: 'x' } }))
            .status,
        ).toBe(404)
      })

      it('lets admins only set the health policy, validated and audited', async (t) => {
        if (block.skipped) return t.skip()
        const fleet = await createFleet('health-d')
        expect((await setPolicy(fleet.id, { maxFailureRate: 0.05 }, operator)).status).toBe(403)
        expect((await setPolicy(fleet.id, { maxFailureRate: 1.5 })).status).toBe(422)
        expect((await setPolicy(fleet.id, { maxFailureRate: 0.05, minReports: 0 })).status).toBe(422)
        const set = await setPolicy(fleet.id, { maxFailureRate: 0.05, minReports: 2, minSamples: 100 })
        expect(set.status).toBe(200)
        expect(await json(set)).toMatchObject({ health: { maxFailureRate: 0.05, minReports: 2, minSamples: 100 } })
        const entry = (await h.auditEntries()).filter((e) => e.body.action === 'tgsp.fleet_policy_updated').at(-1)
        expect(entry?.body).toMatchObject({
          actor: { name: 'root' },
          details: { health: { before: null, after: { maxFailureRate: 0.05, minReports: 2, minSamples: 100 } } },
        })
        const cleared = await setPolicy(fleet.id, null)
        expect(await json(cleared)).toMatchObject({ health: null })
      })
    })

    describe('the release policy', () => {
      it('with health only: refuses stable until canary reports enough healthy samples, naming each condition', async (t) => {
        if (block.skipped) return t.skip()
        const fleet = await createFleet('policy-health')
        await setPolicy(fleet.id, { maxFailureRate: 0.05, minReports: 2, minSamples: 100 })
        const key = await fleetKey(fleet.id)
        const pkg = await uploaded()
        expect((await release(fleet.id, pkg.id, 'canary')).status).toBe(201)

        const none = await refusalOf(await release(fleet.id, pkg.id, 'stable'))
        expect(none.details.conditions.map((c) => [c.name, c.observed, c.passed])).toEqual([
          ['reports', 0, false],
          ['samples', 0, false],
          ['failureRate', null, false],
        ])
        const refused = (await h.auditEntries()).filter((e) => e.body.action === 'tgsp.release_refused').at(-1)
        expect(refused?.body).toMatchObject({
          outcome: 'failure',
          actor: { name: 'rita' },
          resource: { id: fleet.id },
          details: { channel: 'stable', packageId: pkg.id, previousChannel: 'canary' },
        })

        await report(fleet.id, key.secret, { channel: 'canary', packageId: pkg.id, successes: 60, failures: 20 })
        await report(fleet.id, key.secret, { channel: 'canary', packageId: pkg.id, successes: 20, failures: 0 })
        const unhealthy = await refusalOf(await release(fleet.id, pkg.id, 'stable'))
        expect(unmet(unhealthy.details.conditions)).toEqual(['failureRate'])
        expect(unhealthy.details.conditions.find((c) => c.name === 'failureRate')).toMatchObject({
          observed: 0.2,
          required: 0.05,
        })
        expect(unhealthy.message).toContain('Failure rate 20%')
        const health = await json<{ items: Array<{ verdict: string }> }>(
          await h.request('GET', `/api/v1/tgsp/fleets/${fleet.id}/health`, operator),
        )
        expect(health.items[0]?.verdict).toBe('unhealthy')

        await report(fleet.id, key.secret, { channel: 'canary', packageId: pkg.id, successes: 2000, failures: 0 })
        expect((await release(fleet.id, pkg.id, 'stable')).status).toBe(201)
        const promoted = (await h.auditEntries()).filter((e) => e.body.action === 'tgsp.release_promoted').at(-1)
        expect(promoted?.body.details).toMatchObject({ channel: 'stable', policy: { previousChannel: 'canary' } })
      })

      it('with soak only: health reports do not matter, the soak time does', async (t) => {
        if (block.skipped) return t.skip()
        const fleet = await createFleet('policy-soak', 60)
        const pkg = await uploaded()
        const canary = await json<{ id: string }>(await release(fleet.id, pkg.id, 'canary'))
        const tooSoon = await refusalOf(await release(fleet.id, pkg.id, 'stable'))
        expect(tooSoon.details.conditions.map((c) => [c.name, c.required, c.passed])).toEqual([['soak', 60, false]])
        expect(tooSoon.details.allowedAt).not.toBeNull()
        await h.database.db
          .update(tgspReleases)
          .set({ createdAt: new Date(Date.now() - 61 * 60_000) })
          .where(eq(tgspReleases.id, canary.id))
        expect((await release(fleet.id, pkg.id, 'stable')).status).toBe(201)
      })

      it('with both: needs the soak time and healthy canary; an admin override still works, audited', async (t) => {
        if (block.skipped) return t.skip()
        const fleet = await createFleet('policy-both', 60)
        await setPolicy(fleet.id, { maxFailureRate: 0.1 })
        const key = await fleetKey(fleet.id)
        const pkg = await uploaded()
        const canary = await json<{ id: string }>(await release(fleet.id, pkg.id, 'canary'))
        const neither = await refusalOf(await release(fleet.id, pkg.id, 'stable'))
        expect(unmet(neither.details.conditions)).toEqual(['soak', 'reports', 'samples', 'failureRate'])
        await report(fleet.id, key.secret, { channel: 'canary', packageId: pkg.id, successes: 99, failures: 1 })
        const soakOnly = await refusalOf(await release(fleet.id, pkg.id, 'stable'))
        expect(unmet(soakOnly.details.conditions)).toEqual(['soak'])
        await h.database.db
          .update(tgspReleases)
          .set({ createdAt: new Date(Date.now() - 61 * 60_000) })
          .where(eq(tgspReleases.id, canary.id))
        expect((await release(fleet.id, pkg.id, 'stable')).status).toBe(201)

        // Override: a second package, unhealthy and too fresh, goes to stable by an admin's reasoned override.
        const next = await uploaded()
        expect((await release(fleet.id, next.id, 'canary')).status).toBe(201)
        await report(fleet.id, key.secret, { channel: 'canary', packageId: next.id, successes: 1, failures: 9 })
        await refusalOf(await release(fleet.id, next.id, 'stable'))
        expect((await release(fleet.id, next.id, 'stable', releaser, { override: { reason: 'x' } })).status).toBe(403)
        const overridden = await release(fleet.id, next.id, 'stable', admin, {
          override: { reason: 'Rollforward fix' },
        })
        expect(overridden.status).toBe(201)
        const promoted = (await h.auditEntries()).filter((e) => e.body.action === 'tgsp.release_promoted').at(-1)
        expect(promoted?.body.details).toMatchObject({
          policy: { previousChannel: 'canary', override: { reason: 'Rollforward fix' } },
        })
        const conditions = (promoted?.body.details as { policy: { conditions: Condition[] } }).policy.conditions
        expect(unmet(conditions)).toEqual(['soak', 'failureRate'])
      })
    })
  })
}

forEachDatabase(suite)
