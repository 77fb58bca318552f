import { describe, expect, it } from 'vitest'
import { json } from '../../test/harness'
import type { ErrorBody, Harness } from '../../test/harness'
import { makePackage, publisherKey } from '../tgsp/test-support'
import { BASE, fixtures, issuePaths, sessions } from './test-support'
import type { Family, Gate, Session, Version } from './test-support'
import { forEachDatabase, openForBlock, type Open } from '../../test/databases'

type Summary = Family & {
  versionCount: number
  latestVersion: { version: string; status: string } | null
  awaitingValidation: number
}
type Page<T> = { items: T[]; nextCursor: string | null }
const MISSING = '00000000-0000-4000-8000-000000000000'

function suite(name: string, open: Open) {
  describe(name, () => {
    let h: Harness
    let s: Awaited<ReturnType<typeof sessions>>
    let f: ReturnType<typeof fixtures>

    const block = openForBlock(`fedmoe registry on ${name}`, open, async (opened) => {
      ;({ h } = opened)
      s = await sessions(h, 'reg')
      f = fixtures(h, () => s.operator)
    })

    it('creates a family, audits it, and refuses a taken name, a bad slug and callers without the role', async (t) => {
      if (block.skipped) return t.skip()
      const family = await f.createFamily('pick-place', 'openvla-7b', 'grasping')
      expect(family).toMatchObject({ name: 'pick-place', baseModel: 'openvla-7b', description: 'grasping' })
      const entry = (await h.auditEntries()).find((e) => e.body.action === 'fedmoe.expert.created')
      expect(entry?.body).toMatchObject({ resource: { id: family.id }, outcome: 'success' })
      const body = { name: 'pick-place', baseModel: 'pi-0' }
      const taken = await h.request('POST', `${BASE}/experts`, { ...s.operator, body })
      expect(taken.status).toBe(409)
      expect((await json<ErrorBody>(taken)).error).toMatchObject({ code: 'CONFLICT', details: { field: 'name' } })
      const bad = await h.request('POST', `${BASE}/experts`, { ...s.operator, body: { ...body, name: 'Pick Place' } })
      expect(bad.status).toBe(422)
      expect(await issuePaths(bad)).toEqual(['name'])
      expect((await h.request('POST', `${BASE}/experts`, { ...s.viewer, body })).status).toBe(403)
      expect((await h.request('POST', `${BASE}/experts`, { body })).status).toBe(401)
    })

    it('lists families with their figures, filtered, and pages them by cursor', async (t) => {
      if (block.skipped) return t.skip()
      const a = await f.createFamily('list-a', 'pi-0', 'drawer opening')
      const b = await f.createFamily('list-b', 'rt-2-x')
      await f.createFamily('list-c', 'pi-0')
      await f.createVersion(a.id, '1.2.0')
      await f.createVersion(a.id, '1.10.0')
      const v = await f.createVersion(b.id, '0.1.0')
      expect((await f.setStatus(b.id, v.id, 'archived')).status).toBe(200)
      const list = async (query: string) => {
        const res = await h.request('GET', `${BASE}/experts?${query}`, s.viewer)
        expect(res.status, await res.clone().text()).toBe(200)
        return json<Page<Summary>>(res)
      }
      const pi = await list('baseModel=pi-0')
      expect(pi.items.map((i) => i.name)).toEqual(['list-c', 'list-a'])
      expect(pi.items[1]).toMatchObject({
        versionCount: 2,
        latestVersion: { version: '1.10.0', status: 'adapting' },
        awaitingValidation: 2,
        deployed: [],
      })
      expect((await list('q=drawer')).items.map((i) => i.name)).toEqual(['list-a'])
      expect((await list('status=archived')).items.map((i) => i.name)).toEqual(['list-b'])
      const names: string[] = []
      let cursor: string | null = null
      do {
        const page: Page<Summary> = await list(`limit=2&q=list-${cursor ? `&cursor=${cursor}` : ''}`)
        expect(page.items.length).toBeLessThanOrEqual(2)
        names.push(...page.items.map((i) => i.name))
        cursor = page.nextCursor
      } while (cursor)
      expect(names).toEqual(['list-c', 'list-b', 'list-a'])
      expect((await h.request('GET', `${BASE}/experts?cursor=forged`, s.viewer)).status).toBe(422)
      expect((await h.request('GET', `${BASE}/experts?status=live`, s.viewer)).status).toBe(422)
      expect((await h.request('GET', `${BASE}/experts`)).status).toBe(401)
    })

    it('adds semver versions, newest first in the detail, and refuses duplicates and bad versions', async (t) => {
      if (block.skipped) return t.skip()
      const family = await f.createFamily('semver-fam')
      for (const v of ['1.0.0', '1.10.0', '1.2.0', '2.0.0-rc.1']) await f.createVersion(family.id, v)
      const detail = await json<{ versions: Version[]; policy: { source: string } }>(
        await h.request('GET', `${BASE}/experts/${family.id}`, s.viewer),
      )
      expect(detail.versions.map((v) => v.version)).toEqual(['2.0.0-rc.1', '1.10.0', '1.2.0', '1.0.0'])
      expect(detail.policy.source).toBe('default')
      const path = `${BASE}/experts/${family.id}/versions`
      const dup = await h.request('POST', path, { ...s.operator, body: { version: '1.2.0' } })
      expect(dup.status).toBe(409)
      expect((await json<ErrorBody>(dup)).error.details).toEqual({ field: 'version' })
      const bad = await h.request('POST', path, { ...s.operator, body: { version: 'v1' } })
      expect(bad.status).toBe(422)
      expect(await issuePaths(bad)).toEqual(['version'])
      expect((await h.request('POST', path, { ...s.viewer, body: { version: '3.0.0' } })).status).toBe(403)
      const missing = await h.request('POST', `${BASE}/experts/${MISSING}/versions`, {
        ...s.operator,
        body: { version: '1.0.0' },
      })
      expect(missing.status).toBe(404)
      expect((await h.request('GET', `${BASE}/experts/${MISSING}`, s.viewer)).status).toBe(404)
      expect((await h.request('GET', `${BASE}/experts/not-a-uuid`, s.viewer)).status).toBe(422)
    })

    it('links a verified package, and refuses an unknown one (422) and one whose signer was revoked (409)', async (t) => {
      if (block.skipped) return t.skip()
      const family = await f.createFamily('with-package')
      const key = await publisherKey(h)
      const upload = async () => {
        const res = await h.request('POST', '/api/v1/tgsp/packages', {
          bearer: key,
          rawBody: makePackage(),
          headers: { 'content-type': 'application/octet-stream' },
        })
        expect(res.status, await res.clone().text()).toBe(201)
        return json<{ id: string; modelName: string; modelVersion: string; signer: { id: string } }>(res)
      }
      const good = await upload()
      const later = await upload()
      const linked = await f.createVersion(family.id, '1.0.0', { packageId: good.id })
      const detail = await json<{ package: unknown; evidenceCounts: Record<string, number>; liveOn: string[] }>(
        await h.request('GET', `${BASE}/experts/${family.id}/versions/${linked.id}`, s.viewer),
      )
      expect(detail.package).toEqual({
        id: good.id,
        name: good.modelName,
        version: good.modelVersion,
        verification: 'verified',
      })
      expect(detail.evidenceCounts).toMatchObject({ EVAL_RESULT: 0, PEER_REVIEW: 0 })
      expect(detail.liveOn).toEqual([])
      const path = `${BASE}/experts/${family.id}/versions`
      const unknown = await h.request('POST', path, { ...s.operator, body: { version: '1.1.0', packageId: MISSING } })
      expect(unknown.status).toBe(422)
      expect(await issuePaths(unknown)).toEqual(['packageId'])
      const root = await h.signIn('root')
      const revoked = await h.request('POST', `/api/v1/tgsp/publishers/${good.signer.id}/revoke`, root)
      expect(revoked.status).toBe(200)
      const refused = await h.request('POST', path, { ...s.operator, body: { version: '1.1.0', packageId: later.id } })
      expect(refused.status).toBe(409)
      const error = (await json<ErrorBody>(refused)).error
      expect(error.details).toMatchObject({ field: 'packageId' })
      expect(error.message).toContain('signer revoked')
      const other = await f.createFamily('other-family')
      const elsewhere = `${BASE}/experts/${other.id}/versions/${linked.id}`
      expect((await h.request('GET', elsewhere, s.viewer)).status).toBe(404)
    })

    it('enforces the status machine: moves not allowed are 409 with the allowed ones', async (t) => {
      if (block.skipped) return t.skip()
      const family = await f.createFamily('machine')
      const v = await f.createVersion(family.id, '1.0.0')
      expect((await f.setStatus(family.id, v.id, 'archived')).status).toBe(200)
      const again = await f.setStatus(family.id, v.id, 'validated')
      expect(again.status).toBe(409)
      expect((await json<ErrorBody>(again)).error).toMatchObject({
        code: 'CONFLICT',
        details: { from: 'archived', to: 'validated', allowed: [] },
      })
      const bad = await h.request('POST', `${BASE}/experts/${family.id}/versions/${v.id}/status`, {
        ...s.operator,
        body: { status: 'deployed' },
      })
      expect(bad.status).toBe(422)
      expect(await issuePaths(bad)).toEqual(['status'])
      expect((await f.setStatus(family.id, v.id, 'archived', s.viewer)).status).toBe(403)
      expect((await f.setStatus(family.id, MISSING, 'archived')).status).toBe(404)
      const changed = (await h.auditEntries()).find(
        (e) => e.body.action === 'fedmoe.version.status_changed' && e.body.resource.id === v.id,
      )
      expect(changed?.body.details).toMatchObject({ from: 'adapting', to: 'archived', gate: null })
    })

    it('validates only through the gate: GATE_FAILED lists every rule, an approval makes it pass', async (t) => {
      if (block.skipped) return t.skip()
      const family = await f.createFamily('gated')
      const v = await f.createVersion(family.id, '1.0.0')
      await f.evalResult(family.id, v.id, { success_rate: 0.99 }, 5000)
      const failed = await f.setStatus(family.id, v.id, 'validated')
      expect(failed.status).toBe(409)
      const error = (await json<ErrorBody>(failed)).error
      expect(error.code).toBe('GATE_FAILED')
      const gate = (error.details as { gate: Gate }).gate
      expect(gate).toMatchObject({ passed: false, policySource: 'default', channel: null })
      expect(gate.rules.map((r) => [r.rule, r.passed, r.observed, r.required])).toEqual([
        ['min_approvals', false, 0, 1],
        ['no_rejection', true, 0, 0],
      ])
      const refusal = (await h.auditEntries()).find(
        (e) => e.body.action === 'fedmoe.gate.failed' && e.body.resource.id === v.id,
      )
      expect(refusal?.body).toMatchObject({ outcome: 'failure', details: { attempted: 'validate' } })
      const stored = await json<Version>(
        await h.request('GET', `${BASE}/experts/${family.id}/versions/${v.id}`, s.viewer),
      )
      expect(stored).toMatchObject({
        status: 'adapting',
        lastGate: { passed: false, failedRules: ['at least 1 approving review'] },
      })
      await f.review(family.id, v.id, 'alice', 'reject')
      await f.review(family.id, v.id, 'alice', 'approve')
      const ok = await f.setStatus(family.id, v.id, 'validated')
      expect(ok.status, await ok.clone().text()).toBe(200)
      expect(await json(ok)).toMatchObject({ status: 'validated', lastGate: { passed: true, failedRules: [] } })
    })

    it('keeps a family policy or the default, audited; only admins change the default', async (t) => {
      if (block.skipped) return t.skip()
      const family = await f.createFamily('policy-fam')
      const path = `${BASE}/experts/${family.id}/gate-policy`
      const policy = {
        minMetrics: [{ benchmark: 'LIBERO-Long', metric: 'success_rate', min: 0.8, minSamples: 100 }],
        beatDeployed: null,
        minSimSuccessRate: 0.9,
        maxCollisionRate: null,
        minApprovals: 0,
      }
      expect(await json(await h.request('GET', path, s.viewer))).toMatchObject({ source: 'default' })
      const set = await h.request('PUT', path, { ...s.operator, body: { policy, reason: 'stricter' } })
      expect(set.status, await set.clone().text()).toBe(200)
      expect(await json(set)).toEqual({ source: 'family', policy: { ...policy, allowRejections: false } })
      const v = await f.createVersion(family.id, '1.0.0')
      const check = await h.request('POST', `${BASE}/experts/${family.id}/versions/${v.id}/gate-check`, s.viewer)
      expect(check.status).toBe(200)
      const gate = await json<Gate>(check)
      expect(gate.rules.map((r) => [r.rule, r.observed, r.message])).toEqual([
        ['min_metric', null, 'no EVAL_RESULT or VLA_BENCHMARK evidence on LIBERO-Long'],
        ['min_sim_success', null, 'no SIM_SUCCESS evidence'],
        ['min_approvals', 0, '0 of 0 reviewers approve'],
        ['no_rejection', 0, 'no reviewer rejects'],
      ])
      const unknownChannel = await h.request(
        'POST',
        `${BASE}/experts/${family.id}/versions/${v.id}/gate-check?channel=moon`,
        s.viewer,
      )
      expect(unknownChannel.status).toBe(422)
      expect(await issuePaths(unknownChannel)).toEqual(['channel'])
      const extra = await h.request('PUT', path, {
        ...s.operator,
        body: { policy: { ...policy, extra: 1 }, reason: '' },
      })
      expect(extra.status).toBe(422)
      expect(await issuePaths(extra)).toEqual(['policy.extra'])
      expect((await h.request('PUT', path, { ...s.viewer, body: { policy: null } })).status).toBe(403)
      const inherit = await h.request('PUT', path, { ...s.operator, body: { policy: null, reason: 'back' } })
      expect(await json(inherit)).toMatchObject({ source: 'default' })
      const entries = (await h.auditEntries()).filter((e) => e.body.action === 'fedmoe.gate_policy.changed')
      expect(entries.map((e) => (e.body.details as { after: { source: string } }).after.source)).toEqual([
        'family',
        'default',
      ])
      const lowered = { ...policy, minMetrics: [], minSimSuccessRate: null }
      const byOperator = await h.request('PUT', `${BASE}/gate-policy`, { ...s.operator, body: { policy: lowered } })
      expect(byOperator.status).toBe(403)
      const original = await json(await h.request('GET', `${BASE}/gate-policy`, s.viewer))
      expect(original).toMatchObject({ minApprovals: 1, minMetrics: [] })
      const byAdmin = await h.request('PUT', `${BASE}/gate-policy`, {
        ...s.admin,
        body: { policy: lowered, reason: 'x' },
      })
      expect(byAdmin.status).toBe(200)
      expect(await json(await h.request('GET', `${BASE}/gate-policy`, s.viewer))).toMatchObject({ minApprovals: 0 })
      const back = await h.request('PUT', `${BASE}/gate-policy`, {
        ...s.admin,
        body: { policy: original, reason: 'x' },
      })
      expect(back.status).toBe(200)
      expect((await h.request('GET', `${BASE}/experts/${MISSING}/gate-policy`, s.viewer)).status).toBe(404)
    })

    it('answers malformed, oversized and unknown-target requests with their statuses', async (t) => {
      if (block.skipped) return t.skip()
      const malformed = await h.request('POST', `${BASE}/experts`, {
        ...s.operator,
        rawBody: '{"name":',
        headers: { 'content-type': 'application/json' },
      })
      expect(malformed.status).toBe(400)
      const huge = await h.request('POST', `${BASE}/experts`, {
        ...s.operator,
        body: { name: 'huge', baseModel: 'pi-0', description: 'x'.repeat(70_000) },
      })
      expect(huge.status).toBe(413)
      expect((await json<ErrorBody>(huge)).error.code).toBe('PAYLOAD_TOO_LARGE')
      const family = await f.createFamily('targets')
      const v = await f.createVersion(family.id, '1.0.0')
      const gateOf = (expertId: string, versionId: string) =>
        h.request('POST', `${BASE}/experts/${expertId}/versions/${versionId}/gate-check`, s.viewer)
      expect((await gateOf(family.id, MISSING)).status).toBe(404)
      expect((await gateOf(MISSING, v.id)).status).toBe(404)
      const policy = { policy: null, reason: '' }
      expect(
        (await h.request('PUT', `${BASE}/experts/${MISSING}/gate-policy`, { ...s.operator, body: policy })).status,
      ).toBe(404)
      const badDefault = await h.request('PUT', `${BASE}/gate-policy`, {
        ...s.admin,
        body: {
          policy: { minMetrics: [], beatDeployed: null, minSimSuccessRate: 2, maxCollisionRate: null, minApprovals: 1 },
        },
      })
      expect(badDefault.status).toBe(422)
      expect(await issuePaths(badDefault)).toEqual(['policy.minSimSuccessRate'])
      const noDefault = await h.request('PUT', `${BASE}/gate-policy`, { ...s.admin, body: { policy: null } })
      expect(noDefault.status).toBe(422)
      expect((await h.request('GET', `${BASE}/events?expertId=nope`, s.viewer)).status).toBe(422)
    })

    it('reports the module healthy with its counts, and streams its live events', async (t) => {
      if (block.skipped) return t.skip()
      const health = await json<{ components: Array<{ name: string; status: string; message: string }> }>(
        await h.request('GET', '/api/v1/system/health', s.admin),
      )
      expect(health.components.find((c) => c.name === 'fedmoe')).toMatchObject({
        status: 'ok',
        message: expect.stringMatching(/^\d+ famil(y|ies), \d+ versions?, \d+ live deployments?$/),
      })
      const family = await f.createFamily('streamed')
      const stream = await h.request('GET', `${BASE}/events?expertId=${family.id}`, s.viewer)
      expect(stream.status).toBe(200)
      const reader = stream.body!.getReader()
      const created = await f.createVersion(family.id, '1.0.0')
      let text = ''
      const deadline = Date.now() + 10_000
      while (!text.includes('event: version') && Date.now() < deadline) {
        const next = await reader.read()
        if (next.done) break
        text += new TextDecoder().decode(next.value)
      }
      await reader.cancel()
      expect(text).toContain('event: ready')
      expect(text).toContain(`"versionId":"${created.id}"`)
    })
  })
}

forEachDatabase(suite)

export type { Session }
