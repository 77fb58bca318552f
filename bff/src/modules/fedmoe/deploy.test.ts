import { describe, expect, it } from 'vitest'
import { createHarness, createPostgresDatabase, json } from '../../test/harness'
import type { ErrorBody, Harness } from '../../test/harness'
import { BASE, fixtures, issuePaths, sessions } from './test-support'
import type { Deployment, Family, Gate, Version } from './test-support'
import { openForBlock, openPglite, type Open } from '../../test/databases'

type Page<T> = { items: T[]; nextCursor: string | null }
const MISSING = '00000000-0000-4000-8000-000000000000'

const POLICY = {
  minMetrics: [{ benchmark: 'LIBERO-Long', metric: 'success_rate', min: 0.7, minSamples: 100 }],
  beatDeployed: {
    benchmark: 'LIBERO-Long',
    metric: 'success_rate',
    margin: 0.02,
    minSamples: 100,
    higherIsBetter: true,
  },
  minSimSuccessRate: 0.9,
  maxCollisionRate: 0.05,
  minApprovals: 1,
}

function suite(name: string, open: Open<{ replica?: Harness }>) {
  describe(name, () => {
    let h: Harness
    let replica: Harness | undefined
    let s: Awaited<ReturnType<typeof sessions>>
    let f: ReturnType<typeof fixtures>
    let family: Family
    const versions: Record<string, Version> = {}

    const deploy = (versionId: string, channel: string, who = s.releaser) =>
      h.request('POST', `${BASE}/experts/${family.id}/versions/${versionId}/deploy`, {
        ...who,
        body: { channel, reason: 'ship it' },
      })
    const rollback = (toVersionId: string, channel: string, who = s.releaser, expertId = family.id) =>
      h.request('POST', `${BASE}/experts/${expertId}/rollback`, {
        ...who,
        body: { channel, toVersionId, reason: 'bad' },
      })
    const version = async (id: string) =>
      json<Version & { liveOn: string[] }>(
        await h.request('GET', `${BASE}/experts/${family.id}/versions/${id}`, s.viewer),
      )
    const history = async (query = '') => {
      const res = await h.request('GET', `${BASE}/experts/${family.id}/deployments${query}`, s.viewer)
      expect(res.status).toBe(200)
      return json<Page<Deployment>>(res)
    }
    /** Evidence that passes POLICY with this success rate on LIBERO-Long. */
    const passing = async (v: Version, rate: number) => {
      await f.evalResult(family.id, v.id, { success_rate: rate }, 500)
      await f.sim(family.id, v.id, 100, 0.95, 0.01)
      await f.review(family.id, v.id, 'bob', 'approve')
    }

    const block = openForBlock(`fedmoe deploy on ${name}`, open, async (opened) => {
      ;({ h, replica } = opened)
      s = await sessions(h, 'dep')
      f = fixtures(h, () => s.operator)
      family = await f.createFamily('deployable', 'pi-0')
      const set = await h.request('PUT', `${BASE}/experts/${family.id}/gate-policy`, {
        ...s.operator,
        body: { policy: POLICY, reason: 'release rules' },
      })
      expect(set.status).toBe(200)
      for (const v of ['1.0.0', '1.1.0', '1.2.0']) versions[v] = await f.createVersion(family.id, v)
    })

    it('deploys a validated version; an adapting one, a wrong role or an unknown channel are refused', async (t) => {
      if (block.skipped) return t.skip()
      const v1 = versions['1.0.0']!
      const early = await deploy(v1.id, 'stable')
      expect(early.status).toBe(409)
      expect((await json<ErrorBody>(early)).error.details).toEqual({
        from: 'adapting',
        to: 'deployed',
        allowed: ['validated', 'archived'],
      })
      await passing(v1, 0.8)
      expect((await f.setStatus(family.id, v1.id, 'validated')).status).toBe(200)
      expect((await deploy(v1.id, 'stable', s.operator)).status).toBe(403)
      expect((await deploy(v1.id, 'stable', s.viewer)).status).toBe(403)
      const unknown = await deploy(v1.id, 'moon')
      expect(unknown.status).toBe(422)
      expect(await issuePaths(unknown)).toEqual(['channel'])
      expect((await deploy(MISSING, 'stable')).status).toBe(404)
      const res = await deploy(v1.id, 'stable')
      expect(res.status, await res.clone().text()).toBe(200)
      expect(await json(res)).toMatchObject({
        channel: 'stable',
        versionId: v1.id,
        version: '1.0.0',
        action: 'deploy',
        endedAt: null,
      })
      expect(await version(v1.id)).toMatchObject({ status: 'deployed', liveOn: ['stable'] })
      const again = await deploy(v1.id, 'stable')
      expect(again.status).toBe(409)
      expect((await json<ErrorBody>(again)).error.details).toEqual({ field: 'channel' })
      const entry = (await h.auditEntries()).find((e) => e.body.action === 'fedmoe.version.deployed')
      expect(entry?.body.details).toMatchObject({ version: '1.0.0', channel: 'stable', previous: null })
    })

    it('fails the gate against the deployed version with every observed value, then passes with better evidence', async (t) => {
      if (block.skipped) return t.skip()
      const v2 = versions['1.1.0']!
      await passing(v2, 0.81)
      await f.review(family.id, v2.id, 'carol', 'reject')
      const failed = await f.setStatus(family.id, v2.id, 'validated')
      expect(failed.status).toBe(409)
      const gate = ((await json<ErrorBody>(failed)).error.details as { gate: Gate }).gate
      const byRule = Object.fromEntries(gate.rules.map((r) => [r.rule, r]))
      expect(byRule.min_metric).toMatchObject({ passed: true, observed: 0.81, required: 0.7, samples: 500 })
      expect(byRule.beat_deployed).toMatchObject({ passed: false, observed: 0.81, samples: 500 })
      expect(byRule.beat_deployed!.required).toBeCloseTo(0.82)
      expect(byRule.beat_deployed!.message).toContain('1.0.0 (stable)')
      expect(byRule.min_sim_success).toMatchObject({ passed: true, observed: 0.95, required: 0.9, samples: 100 })
      expect(byRule.max_collision).toMatchObject({ passed: true, observed: 0.01, required: 0.05 })
      expect(byRule.min_approvals).toMatchObject({ passed: true, observed: 1, samples: 2 })
      expect(byRule.no_rejection).toMatchObject({ passed: false, observed: 1, required: 0 })
      await f.review(family.id, v2.id, 'carol', 'approve')
      await f.evalResult(family.id, v2.id, { success_rate: 0.9 }, 500)
      const check = await json<Gate>(
        await h.request('POST', `${BASE}/experts/${family.id}/versions/${v2.id}/gate-check?channel=stable`, s.viewer),
      )
      expect(check).toMatchObject({ passed: true, channel: 'stable' })
      expect((await f.setStatus(family.id, v2.id, 'validated')).status).toBe(200)
    })

    it('keeps one live version per channel: the previous one ends and returns to validated', async (t) => {
      if (block.skipped) return t.skip()
      const [v1, v2] = [versions['1.0.0']!, versions['1.1.0']!]
      expect((await deploy(v2.id, 'canary')).status).toBe(200)
      expect((await deploy(v2.id, 'stable')).status).toBe(200)
      expect(await version(v1.id)).toMatchObject({ status: 'validated', liveOn: [] })
      expect(await version(v2.id)).toMatchObject({ status: 'deployed', liveOn: ['canary', 'stable'] })
      const archive = await f.setStatus(family.id, v2.id, 'archived')
      expect(archive.status).toBe(409)
      expect((await json<ErrorBody>(archive)).error.message).toContain('first deploy another version or roll back')
      const { items } = await history()
      expect(items.map((d) => [d.version, d.channel, d.endedAt === null])).toEqual([
        ['1.1.0', 'stable', true],
        ['1.1.0', 'canary', true],
        ['1.0.0', 'stable', false],
      ])
      const detail = await json<{ deployments: unknown[] }>(
        await h.request('GET', `${BASE}/experts/${family.id}`, s.viewer),
      )
      expect(detail.deployments).toEqual([
        { channel: 'canary', versionId: v2.id, version: '1.1.0' },
        { channel: 'stable', versionId: v2.id, version: '1.1.0' },
      ])
    })

    it('rolls back to an earlier deployment of the channel without the gate, audited as such', async (t) => {
      if (block.skipped) return t.skip()
      const [v1, v2, v3] = [versions['1.0.0']!, versions['1.1.0']!, versions['1.2.0']!]
      const tighter = { ...POLICY, minApprovals: 5 }
      await h.request('PUT', `${BASE}/experts/${family.id}/gate-policy`, { ...s.operator, body: { policy: tighter } })
      expect((await rollback(v1.id, 'stable', s.operator)).status).toBe(403)
      const never = await rollback(v3.id, 'stable')
      expect(never.status).toBe(409)
      expect((await json<ErrorBody>(never)).error.details).toMatchObject({ field: 'toVersionId' })
      expect((await rollback(v1.id, 'canary')).status).toBe(409)
      expect((await rollback(MISSING, 'stable')).status).toBe(404)
      const other = await f.createFamily('not-this-one')
      expect((await rollback(v1.id, 'stable', s.releaser, other.id)).status).toBe(404)
      const bad = await h.request('POST', `${BASE}/experts/${family.id}/rollback`, {
        ...s.releaser,
        body: { channel: 'stable', toVersionId: 'nope' },
      })
      expect(bad.status).toBe(422)
      expect(await issuePaths(bad)).toEqual(['toVersionId'])
      const res = await rollback(v1.id, 'stable')
      expect(res.status, await res.clone().text()).toBe(200)
      expect(await json(res)).toMatchObject({ action: 'rollback', versionId: v1.id, channel: 'stable' })
      expect(await version(v1.id)).toMatchObject({ status: 'deployed', liveOn: ['stable'] })
      expect(await version(v2.id)).toMatchObject({ status: 'deployed', liveOn: ['canary'] })
      const entry = (await h.auditEntries()).find((e) => e.body.action === 'fedmoe.version.rolled_back')
      expect(entry?.body.details).toMatchObject({ gateEvaluated: false, previous: { version: '1.1.0' } })
      // With the tighter policy a deploy is refused by the gate, and the refusal is audited.
      const refused = await deploy(v2.id, 'stable')
      expect(refused.status).toBe(409)
      const gate = ((await json<ErrorBody>(refused)).error.details as { gate: Gate }).gate
      expect(gate.rules.find((r) => r.rule === 'min_approvals')).toMatchObject({
        observed: 2,
        required: 5,
        passed: false,
      })
      const failure = (await h.auditEntries()).filter((e) => e.body.action === 'fedmoe.gate.failed').at(-1)
      expect(failure?.body.details).toMatchObject({ attempted: 'deploy', channel: 'stable' })
      await h.request('PUT', `${BASE}/experts/${family.id}/gate-policy`, { ...s.operator, body: { policy: POLICY } })
    })

    it('pages the deployment history by cursor and filters it by channel', async (t) => {
      if (block.skipped) return t.skip()
      const all = (await history()).items
      expect(all.map((d) => d.action)).toEqual(['rollback', 'deploy', 'deploy', 'deploy'])
      const walked: string[] = []
      let cursor: string | null = null
      do {
        const page: Page<Deployment> = await history(`?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
        expect(page.items).toHaveLength(1)
        walked.push(page.items[0]!.id)
        cursor = page.nextCursor
      } while (cursor)
      expect(walked).toEqual(all.map((d) => d.id))
      expect((await history('?channel=canary')).items.map((d) => d.version)).toEqual(['1.1.0'])
      expect((await h.request('GET', `${BASE}/experts/${MISSING}/deployments`, s.viewer)).status).toBe(404)
      expect((await h.request('GET', `${BASE}/experts/${family.id}/deployments?cursor=x`, s.viewer)).status).toBe(422)
    })

    it('counts versions awaiting validation and gate failures for the dashboard', async (t) => {
      if (block.skipped) return t.skip()
      const overview = await json<{
        awaitingValidation: number
        gateFailures: number
        recentGateFailures: Array<{ version: string; failedRules: string[] }>
        deployedCount: number
      }>(await h.request('GET', `${BASE}/overview`, s.viewer))
      // 1.2.0 is adapting without a gate; 1.1.0 (deployed) failed its last deploy but is not open.
      expect(overview).toMatchObject({ awaitingValidation: 1, gateFailures: 0, deployedCount: 2 })
      const v3 = versions['1.2.0']!
      expect((await f.setStatus(family.id, v3.id, 'validated')).status).toBe(409)
      const after = await json<typeof overview>(await h.request('GET', `${BASE}/overview`, s.viewer))
      expect(after.gateFailures).toBe(1)
      expect(after.recentGateFailures[0]).toMatchObject({ version: '1.2.0', failedRules: expect.arrayContaining([]) })
      expect(after.recentGateFailures[0]!.failedRules.length).toBeGreaterThan(0)
      expect((await h.request('GET', `${BASE}/overview`)).status).toBe(401)
    })

    it('streams a deployment to the live events of every replica', async (t) => {
      if (block.skipped) return t.skip()
      const watcher = replica ?? h
      const stream = await watcher.request('GET', `${BASE}/events?expertId=${family.id}`, s.viewer)
      expect(stream.status).toBe(200)
      const reader = stream.body!.getReader()
      let text = ''
      const read = async (until: string) => {
        const deadline = Date.now() + 10_000
        while (!text.includes(until) && Date.now() < deadline) {
          const next = await reader.read()
          if (next.done) break
          text += new TextDecoder().decode(next.value)
        }
      }
      await read('event: ready')
      expect((await rollback(versions['1.1.0']!.id, 'stable')).status).toBe(200)
      await read('event: deployment')
      await reader.cancel()
      // Each message: its event name, data and id lines (the data's key order is the database's).
      const messages = text
        .split('\n\n')
        .map((block) =>
          Object.fromEntries(
            block.split('\n').map((line) => [line.split(': ')[0], line.slice(line.indexOf(': ') + 2)]),
          ),
        )
        .filter((m) => m.event && m.data)
        .map((m) => ({ event: m.event, data: JSON.parse(m.data!) as unknown, id: m.id }))
      expect(messages).toContainEqual({
        event: 'deployment',
        data: { type: 'deployment', expertId: family.id, channel: 'stable' },
        id: expect.stringMatching(/^\d+-\d+$/),
      })
      expect(messages).toContainEqual(
        expect.objectContaining({
          event: 'version',
          data: expect.objectContaining({ versionId: versions['1.0.0']!.id, status: 'validated' }),
        }),
      )
    })

    it('leaves one live version when two deploys race for a channel', async (t) => {
      if (block.skipped) return t.skip()
      const racer = await f.createFamily('racer')
      const vs = [await f.createVersion(racer.id, '1.0.0'), await f.createVersion(racer.id, '2.0.0')]
      for (const v of vs) {
        await f.review(racer.id, v.id, 'bob', 'approve')
        expect((await f.setStatus(racer.id, v.id, 'validated')).status).toBe(200)
      }
      const other = replica ?? h
      const answers = await Promise.all(
        vs.map((v, i) =>
          (i === 0 ? h : other).request('POST', `${BASE}/experts/${racer.id}/versions/${v.id}/deploy`, {
            ...s.releaser,
            body: { channel: 'stable' },
          }),
        ),
      )
      expect(answers.map((r) => r.status)).toEqual([200, 200])
      const detail = await json<{ deployments: unknown[]; versions: Version[] }>(
        await h.request('GET', `${BASE}/experts/${racer.id}`, s.viewer),
      )
      expect(detail.deployments).toHaveLength(1)
      expect(detail.versions.filter((v) => v.status === 'deployed')).toHaveLength(1)
    })
  })
}

suite('embedded PGlite', openPglite())
suite('PostgreSQL, two replicas', async () => {
  const pg = await createPostgresDatabase()
  if ('skip' in pg) return pg
  const h = await createHarness({ target: pg.target })
  const replica = await createHarness({ target: pg.target, initializeAudit: false })
  const cleanup = async () => {
    await replica.close()
    await pg.drop()
  }
  return { h, replica, cleanup }
})
