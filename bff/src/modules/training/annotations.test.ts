import { describe, expect, it } from 'vitest'
import { json } from '../../test/harness'
import type { ErrorBody, Harness } from '../../test/harness'
import { UPLOAD_PATH, makePackage, publisherKey } from '../tgsp/test-support'
import { forEachDatabase, openForBlock, type Open } from '../../test/databases'

type Session = { cookie: string; csrf: string }
type RunBody = {
  id: string
  tags: string[]
  note: string
  producedPackage: { id: string; modelVersion: string; contentId: string; reportedBy: string | null } | null
}

let h: Harness
let operator: Session
let viewer: Session
let publisher: string
const MISSING = '00000000-0000-4000-8000-000000000000'

const createRun = async (name: string) => {
  const res = await h.request('POST', '/api/v1/training/runs', {
    ...operator,
    body: {
      name,
      baseModel: 'llama-3-8b',
      adapter: {},
      plannedRounds: 5,
      stepsPerRound: 10,
      dp: { noiseMultiplier: 1.1, clippingNorm: 1, sampleRate: 0.01, delta: 1e-5, epsilonBudget: 5 },
    },
  })
  expect(res.status).toBe(201)
  return json<RunBody>(res)
}
const annotate = (runId: string, body: unknown, who: Session = operator) =>
  h.request('PATCH', `/api/v1/training/runs/${runId}/annotations`, { ...who, body })
const listNames = async (query: string) =>
  (await json<{ items: RunBody[] }>(await h.request('GET', `/api/v1/training/runs?${query}`, viewer))).items
    .map((r) => (r as RunBody & { name: string }).name)
    .sort()

function suite(name: string, open: Open) {
  describe(name, () => {
    const block = openForBlock(`${name}`, open, async (opened) => {
      ;({ h } = opened)
      publisher = await publisherKey(h)
      operator = await h.userSession('otto', ['operator'])
      viewer = await h.userSession('vera', ['viewer'])
    })

    describe('run tags and notes', () => {
      it('sets tags and a note for operators, audited, and lists runs by tag', async (t) => {
        if (block.skipped) return t.skip()
        const a = await createRun('tagged-a')
        const b = await createRun('tagged-b')
        const set = await annotate(a.id, { tags: ['team=nlp', 'baseline'], note: 'Tried <b>rank</b> 16.\nLoss flat.' })
        expect(set.status).toBe(200)
        expect(await json(set)).toMatchObject({
          tags: ['team=nlp', 'baseline'],
          note: 'Tried <b>rank</b> 16.\nLoss flat.',
        })
        expect((await annotate(b.id, { tags: ['team=vision'] })).status).toBe(200)
        // Only the note: the tags stay.
        const noteOnly = await json<RunBody>(await annotate(a.id, { note: 'Second thoughts.' }))
        expect(noteOnly).toMatchObject({ tags: ['team=nlp', 'baseline'], note: 'Second thoughts.' })

        const entry = (await h.auditEntries()).filter((e) => e.body.action === 'training.run_annotated')[0]
        expect(entry?.body).toMatchObject({
          actor: { name: 'otto' },
          resource: { type: 'training_run', id: a.id },
          details: { tags: { before: [], after: ['team=nlp', 'baseline'] }, note: { before: '' } },
        })

        expect(await listNames('tag=team%3Dnlp')).toEqual(['tagged-a'])
        expect(await listNames('tag=team')).toEqual(['tagged-a', 'tagged-b'])
        expect(await listNames('tag=baseline')).toEqual(['tagged-a'])
        expect(await listNames('tag=team%3Dnone')).toEqual([])
        expect((await h.request('GET', '/api/v1/training/runs?tag=%3Dx', viewer)).status).toBe(422)
      })

      it('refuses viewers (403), unknown runs (404) and bad tags or notes (422) without writing', async (t) => {
        if (block.skipped) return t.skip()
        const run = await createRun('guarded')
        expect((await annotate(run.id, { tags: ['x'] }, viewer)).status).toBe(403)
        expect((await annotate(MISSING, { tags: ['x'] })).status).toBe(404)
        const bad: Array<[unknown, string]> = [
          [{ tags: ['has space'] }, 'key or key=value'],
          [{ tags: ['team=a', 'team=b'] }, 'given twice'],
          [{ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'At most 20'],
          [{ tags: [`k=${'v'.repeat(129)}`] }, '1 to 128'],
          [{ note: 'x'.repeat(4001) }, '4,000'],
          [{ note: 'bell\u0007' }, 'plain text'],
          [{}, 'Change the tags'],
        ]
        for (const [body, says] of bad) {
          const res = await annotate(run.id, body)
          expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(422)
          expect(JSON.stringify(await json<ErrorBody>(res))).toContain(says)
        }
        const after = await json<RunBody>(await h.request('GET', `/api/v1/training/runs/${run.id}`, viewer))
        expect(after).toMatchObject({ tags: [], note: '' })
      })
      it('publishes each change as a run event, so open consoles refetch', async (t) => {
        if (block.skipped) return t.skip()
        const run = await createRun('watched')
        const stream = await h.request('GET', `/api/v1/training/events?runId=${run.id}`, viewer)
        expect(stream.status).toBe(200)
        const reader = stream.body!.getReader()
        const decoder = new TextDecoder()
        let text = ''
        const readUntil = async (needle: string) => {
          while (!text.includes(needle)) {
            const next = await reader.read()
            if (next.done) break
            text += decoder.decode(next.value, { stream: true })
          }
        }
        await readUntil('event: ready')
        expect((await annotate(run.id, { tags: ['live'] })).status).toBe(200)
        await readUntil('event: run')
        await reader.cancel()
        expect(text).toContain('event: run')
        expect(text).toContain(`"runId":"${run.id}"`)
      })
    })

    describe('the package a run produced', () => {
      const agentKey = async (runId: string) => {
        const res = await h.request('POST', `/api/v1/training/runs/${runId}/agent-keys`, {
          ...operator,
          body: { name: 'agent' },
        })
        return (await json<{ secret: string }>(res)).secret
      }
      const uploaded = async () => {
        const res = await h.request('POST', UPLOAD_PATH, {
          bearer: publisher,
          rawBody: makePackage(),
          headers: { 'content-type': 'application/octet-stream' },
        })
        expect(res.status).toBe(201)
        return json<{ id: string; contentId: string; modelVersion: string }>(res)
      }
      const reportPackage = (runId: string, bearer: string, body: unknown) =>
        h.request('POST', `/api/v1/training/runs/${runId}/package`, { bearer, body })

      it('records the package once from the run\u2019s agent, idempotently, audited, and finds the run by it', async (t) => {
        if (block.skipped) return t.skip()
        const run = await createRun('producer')
        const key = await agentKey(run.id)
        const pkg = await uploaded()
        const first = await reportPackage(run.id, key, { packageId: pkg.id })
        expect(first.status).toBe(201)
        expect((await json<RunBody>(first)).producedPackage).toMatchObject({
          id: pkg.id,
          modelVersion: pkg.modelVersion,
          contentId: pkg.contentId,
          reportedBy: expect.stringContaining('agent'),
        })
        // The same package again, by id or by its sha256 content id: as before.
        expect((await reportPackage(run.id, key, { packageId: pkg.id })).status).toBe(200)
        expect((await reportPackage(run.id, key, { sha256: pkg.contentId })).status).toBe(200)
        const other = await uploaded()
        const conflict = await reportPackage(run.id, key, { packageId: other.id })
        expect(conflict.status).toBe(409)
        expect((await json<ErrorBody>(conflict)).error.details).toMatchObject({
          field: 'packageId',
          producedPackageId: pkg.id,
        })

        const entries = (await h.auditEntries()).filter((e) => e.body.action === 'training.run_package_reported')
        expect(entries).toHaveLength(1)
        expect(entries[0]?.body).toMatchObject({
          resource: { id: run.id },
          details: { package: { id: pkg.id }, by: 'packageId' },
        })

        const byPackage = await json<{ items: RunBody[] }>(
          await h.request('GET', `/api/v1/training/runs?packageId=${pkg.id}`, viewer),
        )
        expect(byPackage.items.map((r) => r.id)).toEqual([run.id])
      })

      it('accepts the sha256 content id, and refuses unknown packages (422 naming the field), other runs\u2019 keys and viewers', async (t) => {
        if (block.skipped) return t.skip()
        const run = await createRun('producer-by-digest')
        const key = await agentKey(run.id)
        const fieldOf = async (res: Response) => {
          expect(res.status).toBe(422)
          return JSON.stringify((await json<ErrorBody>(res)).error.details)
        }
        expect(await fieldOf(await reportPackage(run.id, key, { packageId: MISSING }))).toContain('"path":"packageId"')
        expect(await fieldOf(await reportPackage(run.id, key, { sha256: 'a'.repeat(64) }))).toContain('"path":"sha256"')
        expect((await reportPackage(run.id, key, {})).status).toBe(422)
        const pkg = await uploaded()
        expect((await reportPackage(run.id, key, { packageId: pkg.id, sha256: pkg.contentId })).status).toBe(422)
        const otherRun = await createRun('someone-else')
        expect((await reportPackage(otherRun.id, key, { packageId: pkg.id })).status).toBe(403)
        expect(
          (
            await h.request('POST', `/api/v1/training/runs/${run.id}/package`, {
              ...viewer,
              body: { packageId: pkg.id },
            })
          ).status,
        ).toBe(403)
        expect(
          (await reportPackage(MISSING, (await h.apiKey(['operator'])) as string, { packageId: pkg.id })).status,
        ).toBe(404)
        const res = await reportPackage(run.id, key, { sha256: pkg.contentId })
        expect(res.status).toBe(201)
        expect((await json<RunBody>(res)).producedPackage?.id).toBe(pkg.id)
      })
    })
  })
}

forEachDatabase(suite)
