import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { EvidenceBodySchema, evidenceDigest } from '@tg/contracts'
import type {
  AuditCheckpoint,
  AuditEntryPage,
  AuditKeys,
  EvidenceDetail,
  EvidenceReceipt,
  TracePage,
} from '@tg/contracts'
import {
  fromBase64,
  fromHex,
  leafHash,
  parseVerifierKey,
  toHex,
  verifyCheckpoint,
  verifyInclusion,
} from '@tg/contracts/formats/audit'
import type { DatabaseTarget } from '../../../db/client'
import { createHarness, createPostgresDatabase, json } from '../../../test/harness'
import type { ErrorBody, Harness } from '../../../test/harness'

type Session = { cookie: string; csrf: string }

const EVIDENCE_MAX_BYTES = 4 * 1024 * 1024
const trace = (i: number) => ({
  input: { task: `pick-${i}` },
  output: { action: [i % 7, 0.5] },
  expected: i % 3 === 0 ? null : { action: [i % 7, 0.5] },
  score: (i % 10) / 10,
  latency_ms: 10 + (i % 5),
})
const evalResult = (overrides: Record<string, unknown> = {}) => ({
  type: 'EVAL_RESULT',
  benchmark: 'libero',
  split: 'test',
  n_samples: 400,
  metrics: { success_rate: 0.81 },
  traces: [trace(0), trace(1), trace(2)],
  ...overrides,
})
const review = (verdict = 'approve') => ({ type: 'PEER_REVIEW', reviewer: 'ada', verdict, comments: 'fine' })

const postgres = await createPostgresDatabase()
const TARGETS: Array<[string, DatabaseTarget | undefined, () => Promise<void>]> = [
  ['embedded PGlite', undefined, async () => undefined],
  ...('skip' in postgres
    ? []
    : ([['PostgreSQL', postgres.target, postgres.drop]] as Array<[string, DatabaseTarget, () => Promise<void>]>)),
]
if ('skip' in postgres) console.warn(`fedmoe evidence on PostgreSQL skipped: ${postgres.skip}`)

describe.each(TARGETS)('on %s', (_label, target, drop) => {
  let h: Harness
  let operator: Session
  let viewer: Session
  let auditor: Session
  let famA: { id: string; versionId: string; otherVersionId: string }
  let famB: { id: string; versionId: string }

  async function createFamily(name: string, versions: string[]) {
    const res = await h.request('POST', '/api/v1/fedmoe/experts', {
      ...operator,
      body: { name, baseModel: 'openvla-7b', description: '' },
    })
    expect(res.status, await res.clone().text()).toBe(201)
    const { id } = await json<{ id: string }>(res)
    const ids: string[] = []
    for (const version of versions) {
      const v = await h.request('POST', `/api/v1/fedmoe/experts/${id}/versions`, { ...operator, body: { version } })
      expect(v.status, await v.clone().text()).toBe(201)
      ids.push((await json<{ id: string }>(v)).id)
    }
    return { id, ids }
  }

  const evidencePath = (expertId: string, versionId: string) =>
    `/api/v1/fedmoe/experts/${expertId}/versions/${versionId}/evidence`

  function post(caller: Partial<Session> & { bearer?: string }, path: string, body: unknown, key?: string) {
    return h.request('POST', path, { ...caller, body, headers: key ? { 'Idempotency-Key': key } : {} })
  }

  async function countRows(table: 'expert_evidence' | 'expert_traces') {
    const result = (await h.database.db.execute(`select count(*)::int as n from ${table}`)) as unknown as {
      rows: Array<{ n: number }>
    }
    return result.rows[0]!.n
  }

  async function ingestKey(expertIds: string[], caller: Session = operator) {
    return h.request('POST', '/api/v1/fedmoe/ingest-keys', { ...caller, body: { name: 'ci pipeline', expertIds } })
  }

  beforeAll(async () => {
    h = await createHarness({ target, config: { fedmoeEvidenceMaxBytes: EVIDENCE_MAX_BYTES } })
    operator = await h.userSession('otto', ['operator'])
    viewer = await h.userSession('vera', ['viewer'])
    auditor = await h.userSession('aud', ['auditor'])
    const a = await createFamily('pick-place', ['1.0.0', '1.1.0'])
    famA = { id: a.id, versionId: a.ids[0]!, otherVersionId: a.ids[1]! }
    const b = await createFamily('drawer-open', ['0.1.0'])
    famB = { id: b.id, versionId: b.ids[0]! }
  })
  afterAll(async () => {
    await h.close()
    await drop()
  })

  describe('fedmoe evidence ingest', () => {
    it('stores a validated item with its digest, its traces and its audit entry, and serves it back', async () => {
      const body = evalResult()
      const res = await post(operator, evidencePath(famA.id, famA.versionId), body)
      expect(res.status, await res.clone().text()).toBe(201)
      const item = await json<EvidenceReceipt>(res)
      expect(item).toMatchObject({
        expertId: famA.id,
        versionId: famA.versionId,
        type: 'EVAL_RESULT',
        traceCount: 3,
        replayed: false,
        createdBy: { kind: 'user', name: 'otto' },
        idempotencyKey: null,
        summary: { type: 'EVAL_RESULT', benchmark: 'libero', n_samples: 400, metrics: { success_rate: 0.81 } },
        audit: { action: 'fedmoe.evidence.ingested', resourceId: item.id },
      })
      expect(item.digest).toBe(evidenceDigest(EvidenceBodySchema.parse(body)))
      const detail = await json<EvidenceDetail>(await h.request('GET', `/api/v1/fedmoe/evidence/${item.id}`, viewer))
      expect(detail.body).toEqual({ ...body, baseline_version: null, traces: undefined })
      expect(detail.body).not.toHaveProperty('traces')
      const list = await json<{ items: Array<{ id: string }> }>(
        await h.request('GET', `${evidencePath(famA.id, famA.versionId)}?type=EVAL_RESULT`, viewer),
      )
      expect(list.items.map((i) => i.id)).toContain(item.id)
      const none = await json<{ items: unknown[] }>(
        await h.request('GET', `${evidencePath(famA.id, famA.versionId)}?type=SIM_SUCCESS`, viewer),
      )
      expect(none.items).toEqual([])
      const entry = (await h.auditEntries()).find((e) => e.body.resource.id === item.id)
      expect(entry?.body).toMatchObject({
        action: 'fedmoe.evidence.ingested',
        actor: { type: 'user', name: 'otto' },
        details: { digest: item.digest, traceCount: 3, type: 'EVAL_RESULT', versionId: famA.versionId },
      })
    })

    it('pages the evidence list newest first with a cursor', async () => {
      const { id, ids } = await createFamily('paging-family', ['1.0.0'])
      for (const verdict of ['approve', 'changes', 'reject'])
        await post(operator, evidencePath(id, ids[0]!), review(verdict))
      const first = await json<{ items: Array<{ summary: { verdict: string } }>; nextCursor: string }>(
        await h.request('GET', `${evidencePath(id, ids[0]!)}?limit=2`, viewer),
      )
      expect(first.items.map((i) => i.summary.verdict)).toEqual(['reject', 'changes'])
      const second = await json<{ items: Array<{ summary: { verdict: string } }>; nextCursor: string | null }>(
        await h.request('GET', `${evidencePath(id, ids[0]!)}?limit=2&cursor=${first.nextCursor}`, viewer),
      )
      expect(second.items.map((i) => i.summary.verdict)).toEqual(['approve'])
      expect(second.nextCursor).toBeNull()
      expect((await h.request('GET', `${evidencePath(id, ids[0]!)}?cursor=forged`, viewer)).status).toBe(422)
      // Items within one millisecond (timestamps keep microseconds, cursors milliseconds) page one by one.
      await h.database.db.execute(
        `update expert_evidence set created_at = '2026-12-01T10:00:00.123Z'::timestamptz + (random() * interval '900 microseconds') where version_id = '${ids[0]}'`,
      )
      const seen: string[] = []
      let cursor: string | null = null
      do {
        const page: { items: Array<{ id: string }>; nextCursor: string | null } = await json(
          await h.request('GET', `${evidencePath(id, ids[0]!)}?limit=1${cursor ? `&cursor=${cursor}` : ''}`, viewer),
        )
        seen.push(...page.items.map((i) => i.id))
        cursor = page.nextCursor
      } while (cursor)
      expect(new Set(seen).size).toBe(3)
    })

    it('replays the same Idempotency-Key and body as 200 with the same item, writing nothing', async () => {
      const path = evidencePath(famA.id, famA.versionId)
      const first = await post(operator, path, evalResult({ split: 'val' }), 'run-42')
      expect(first.status).toBe(201)
      const original = await json<EvidenceReceipt>(first)
      const before = { evidence: await countRows('expert_evidence'), traces: await countRows('expert_traces') }
      const auditBefore = (await h.auditEntries()).length
      // The same body with its keys in another order is the same evidence (canonical JSON).
      const reordered = Object.fromEntries(Object.entries(evalResult({ split: 'val' })).reverse())
      const again = await post(operator, path, reordered, 'run-42')
      expect(again.status).toBe(200)
      const replayed = await json<EvidenceReceipt>(again)
      expect(replayed).toMatchObject({
        id: original.id,
        digest: original.digest,
        replayed: true,
        idempotencyKey: 'run-42',
      })
      expect({ evidence: await countRows('expert_evidence'), traces: await countRows('expert_traces') }).toEqual(before)
      expect((await h.auditEntries()).length).toBe(auditBefore)

      const different = await post(operator, path, evalResult({ split: 'val', n_samples: 401 }), 'run-42')
      expect(different.status).toBe(409)
      const error = await json<ErrorBody>(different)
      expect(error.error).toMatchObject({ code: 'CONFLICT', details: { field: 'Idempotency-Key' } })
      expect(await countRows('expert_evidence')).toBe(before.evidence)
      // Keys are per version.
      expect((await post(operator, evidencePath(famA.id, famA.otherVersionId), evalResult(), 'run-42')).status).toBe(
        201,
      )
      expect((await post(operator, path, evalResult(), 'x'.repeat(201))).status).toBe(422)
    })

    it('answers two simultaneous posts under one new key with one item: 201 and a 200 replay', async () => {
      const path = evidencePath(famA.id, famA.otherVersionId)
      const body = evalResult({ split: 'race' })
      const answers = await Promise.all([post(operator, path, body, 'race-1'), post(operator, path, body, 'race-1')])
      expect(answers.map((r) => r.status).sort()).toEqual([200, 201])
      const items = await Promise.all(answers.map((r) => json<EvidenceReceipt>(r)))
      expect(items[0]!.id).toBe(items[1]!.id)
    })

    it('keeps JSON null inputs and outputs as null', async () => {
      const body = evalResult({ traces: [{ input: null, output: null, expected: null, score: 0, latency_ms: 0 }] })
      const item = await json<EvidenceReceipt>(await post(operator, evidencePath(famA.id, famA.versionId), body))
      const page = await json<TracePage>(await h.request('GET', `/api/v1/fedmoe/evidence/${item.id}/traces`, viewer))
      expect(page.items).toEqual([{ ordinal: 0, input: null, output: null, expected: null, score: 0, latencyMs: 0 }])
    })

    it('publishes an evidence event when the item commits, and none for a refused one', async () => {
      const events: unknown[] = []
      const stop = await h.services.fedmoe.subscribe(famB.id, (event) => events.push(event))
      try {
        expect((await post(operator, evidencePath(famB.id, famB.versionId), { ...review(), colour: 1 })).status).toBe(
          422,
        )
        const item = await json<EvidenceReceipt>(await post(operator, evidencePath(famB.id, famB.versionId), review()))
        await vi.waitFor(() =>
          expect(events).toEqual([
            { type: 'evidence', expertId: famB.id, versionId: famB.versionId, evidenceId: item.id },
          ]),
        )
      } finally {
        stop()
      }
    })

    it('answers 409 for evidence on an archived version', async () => {
      const { id, ids } = await createFamily(`archived-${Date.now()}`, ['1.0.0'])
      const archived = await h.request('POST', `/api/v1/fedmoe/experts/${id}/versions/${ids[0]}/status`, {
        ...operator,
        body: { status: 'archived', reason: 'superseded' },
      })
      expect(archived.status, await archived.clone().text()).toBe(200)
      const res = await post(operator, evidencePath(id, ids[0]!), review())
      expect(res.status).toBe(409)
      expect((await json<ErrorBody>(res)).error).toMatchObject({ code: 'CONFLICT', details: { field: 'versionId' } })
    })

    it('answers 422 naming the field, 415 for another media type, 400 for broken JSON', async () => {
      const path = evidencePath(famA.id, famA.versionId)
      const cases: Array<[unknown, string]> = [
        [evalResult({ colour: 'red' }), 'colour'],
        [evalResult({ traces: [trace(0), { ...trace(1), extra: true }] }), 'traces.1.extra'],
        [evalResult({ n_samples: 0 }), 'n_samples'],
        [evalResult({ traces: [{ ...trace(0), score: 1.5 }] }), 'traces.0.score'],
        [
          {
            type: 'SIM_SUCCESS',
            simulator: 'isaac',
            scenario: 'k',
            episodes: 10,
            success_rate: 0.5,
            collision_rate: 2,
          },
          'collision_rate',
        ],
        [{ type: 'TRUST_ME', score: 1 }, 'type'],
      ]
      for (const [body, field] of cases) {
        const res = await post(operator, path, body)
        expect(res.status, field).toBe(422)
        const error = await json<ErrorBody>(res)
        expect(error.error.code).toBe('VALIDATION_FAILED')
        expect((error.error.details as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toContain(field)
      }
      const asText = await h.request('POST', path, {
        ...operator,
        rawBody: JSON.stringify(review()),
        headers: { 'content-type': 'text/plain' },
      })
      expect(asText.status).toBe(415)
      const broken = await h.request('POST', path, {
        ...operator,
        rawBody: '{"type":',
        headers: { 'content-type': 'application/json' },
      })
      expect(broken.status).toBe(400)
    })

    it('answers 413 for too many traces, a trace too large, or a body over its own limit (not the JSON limit)', async () => {
      const path = evidencePath(famA.id, famA.versionId)
      const before = await countRows('expert_evidence')
      const tooMany = await post(
        operator,
        path,
        evalResult({ traces: Array.from({ length: 10_001 }, (_, i) => trace(i)) }),
      )
      expect(tooMany.status).toBe(413)
      const tooManyError = await json<ErrorBody>(tooMany)
      expect(tooManyError.error.code).toBe('PAYLOAD_TOO_LARGE')
      expect(tooManyError.error.details).toMatchObject({ issues: [{ path: 'traces' }] })
      const huge = await post(operator, path, evalResult({ traces: [{ ...trace(0), output: 'x'.repeat(17 * 1024) }] }))
      expect(huge.status).toBe(413)
      expect((await json<ErrorBody>(huge)).error.details).toMatchObject({ issues: [{ path: 'traces.0.output' }] })
      const padded = JSON.stringify(review()) + ' '.repeat(EVIDENCE_MAX_BYTES)
      const overLimit = await h.request('POST', path, {
        ...operator,
        rawBody: padded,
        headers: { 'content-type': 'application/json' },
      })
      expect(overLimit.status).toBe(413)
      expect(await countRows('expert_evidence')).toBe(before)
      // The harness's JSON limit is 64 KiB; evidence far above it is accepted under its own limit.
      const big = evalResult({
        traces: Array.from({ length: 2000 }, (_, i) => ({ ...trace(i), input: { task: 'y'.repeat(200), i } })),
      })
      expect(JSON.stringify(big).length).toBeGreaterThan(256 * 1024)
      expect((await post(operator, path, big)).status).toBe(201)
    })

    it('answers 401 without credentials, 403 to a viewer, 404 for a version of another family', async () => {
      const path = evidencePath(famA.id, famA.versionId)
      expect((await post({}, path, review())).status).toBe(401)
      expect((await post(viewer, path, review())).status).toBe(403)
      expect((await post(operator, evidencePath(famA.id, famB.versionId), review())).status).toBe(404)
      const missing = '00000000-0000-4000-8000-000000000000'
      expect((await post(operator, evidencePath(missing, famA.versionId), review())).status).toBe(404)
      expect((await h.request('GET', evidencePath(famB.id, famA.versionId), viewer)).status).toBe(404)
      expect((await h.request('GET', `/api/v1/fedmoe/evidence/${missing}`, viewer)).status).toBe(404)
      expect((await h.request('GET', `/api/v1/fedmoe/evidence/${missing}/traces`, viewer)).status).toBe(404)
      expect((await h.request('GET', '/api/v1/fedmoe/evidence/not-a-uuid', viewer)).status).toBe(422)
    })
  })

  describe('fedmoe ingest keys', () => {
    it('lets a key post evidence for its families only, and nothing else', async () => {
      const res = await ingestKey([famA.id])
      expect(res.status, await res.clone().text()).toBe(201)
      const { secret, apiKey } = await json<{
        secret: string
        apiKey: { id: string; roles: string[]; scopeExpertIds: string[] }
      }>(res)
      expect(apiKey).toMatchObject({ roles: [], scopeExpertIds: [famA.id] })
      const posted = await post({ bearer: secret }, evidencePath(famA.id, famA.versionId), review())
      expect(posted.status).toBe(201)
      expect((await json<EvidenceReceipt>(posted)).createdBy).toMatchObject({ kind: 'api_key' })
      // Another family: 403, and nothing written.
      const before = await countRows('expert_evidence')
      const other = await post({ bearer: secret }, evidencePath(famB.id, famB.versionId), review())
      expect(other.status).toBe(403)
      expect((await json<ErrorBody>(other)).error.code).toBe('FORBIDDEN')
      expect(await countRows('expert_evidence')).toBe(before)
      // Any other route, even a read of its own family: 403.
      for (const [method, path] of [
        ['GET', evidencePath(famA.id, famA.versionId)],
        ['GET', `/api/v1/fedmoe/experts/${famA.id}`],
        ['GET', '/api/v1/fedmoe/experts'],
        ['GET', '/api/v1/admin/api-keys'],
      ] as const)
        expect((await h.request(method, path, { bearer: secret })).status, path).toBe(403)
      expect((await ingestKey([famA.id], viewer)).status).toBe(403)
      const keys = await h.request('GET', '/api/v1/admin/api-keys?limit=200', await h.userSession('root', ['admin']))
      const listed = (await json<{ items: Array<{ id: string; scopeExpertIds: string[] | null }> }>(keys)).items
      expect(listed.find((k) => k.id === apiKey.id)?.scopeExpertIds).toEqual([famA.id])
      const entries = (await h.auditEntries()).filter((e) => e.body.resource.id === apiKey.id).map((e) => e.body.action)
      expect(entries).toEqual(expect.arrayContaining(['admin.api_key_created', 'fedmoe.ingest_key.created']))
    })

    it('answers 404 for an unknown family and 422 for bad bodies', async () => {
      const missing = '00000000-0000-4000-8000-000000000000'
      const res = await ingestKey([famA.id, missing])
      expect(res.status).toBe(404)
      expect((await json<ErrorBody>(res)).error.message).toContain(missing)
      expect((await ingestKey([])).status).toBe(422)
      expect((await ingestKey([famA.id, famA.id])).status).toBe(422)
      const past = await h.request('POST', '/api/v1/fedmoe/ingest-keys', {
        ...operator,
        body: { name: 'old', expertIds: [famA.id], expiresAt: '2020-01-01T00:00:00.000Z' },
      })
      expect(past.status).toBe(422)
    })
  })

  describe('fedmoe traces', () => {
    it('pages 10,000 traces by ordinal without reading them all, and filters failures', async () => {
      const traces = Array.from({ length: 10_000 }, (_, i) => trace(i))
      const res = await post(operator, evidencePath(famA.id, famA.versionId), evalResult({ traces }))
      expect(res.status).toBe(201)
      const { id, traceCount } = await json<EvidenceReceipt>(res)
      expect(traceCount).toBe(10_000)
      let cursor: string | null = null
      const ordinals: number[] = []
      let pages = 0
      do {
        const page: TracePage = await json<TracePage>(
          await h.request(
            'GET',
            `/api/v1/fedmoe/evidence/${id}/traces?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
            viewer,
          ),
        )
        pages++
        expect(page.items.length).toBe(200)
        ordinals.push(...page.items.map((t) => t.ordinal))
        if (page.nextCursor) expect(Number(page.nextCursor)).toBe(page.items.at(-1)!.ordinal)
        cursor = page.nextCursor
      } while (cursor)
      expect(pages).toBe(50)
      expect(ordinals).toEqual(Array.from({ length: 10_000 }, (_, i) => i))
      const first = await json<TracePage>(
        await h.request('GET', `/api/v1/fedmoe/evidence/${id}/traces?limit=2`, viewer),
      )
      expect(first.items[1]).toEqual({
        ordinal: 1,
        input: traces[1]!.input,
        output: traces[1]!.output,
        expected: traces[1]!.expected,
        score: 0.1,
        latencyMs: 11,
      })
      expect(first.items[0]!.expected).toBeNull()
      // Scores cycle 0.0 .. 0.9: below 0.25 are 0.0, 0.1, 0.2 = 3 in 10.
      const failures = await json<TracePage>(
        await h.request('GET', `/api/v1/fedmoe/evidence/${id}/traces?limit=200&failuresBelow=0.25`, viewer),
      )
      expect(failures.items).toHaveLength(200)
      expect(failures.items.every((t) => t.score < 0.25)).toBe(true)
      expect(failures.items.slice(0, 4).map((t) => t.ordinal)).toEqual([0, 1, 2, 10])
      const tail = await json<TracePage>(
        await h.request('GET', `/api/v1/fedmoe/evidence/${id}/traces?limit=200&failuresBelow=0.25&cursor=9989`, viewer),
      )
      expect(tail.items.map((t) => t.ordinal)).toEqual([9990, 9991, 9992])
      expect(tail.nextCursor).toBeNull()
      expect((await h.request('GET', `/api/v1/fedmoe/evidence/${id}/traces?cursor=-1`, viewer)).status).toBe(422)
      expect((await h.request('GET', `/api/v1/fedmoe/evidence/${id}/traces?failuresBelow=2`, viewer)).status).toBe(422)
    })
  })

  describe('fedmoe evidence in the audit log', () => {
    it('is included in a signed checkpoint: its entry carries the digest and its proof verifies', async () => {
      const res = await post(operator, evidencePath(famB.id, famB.versionId), review('approve'))
      const item = await json<EvidenceReceipt>(res)
      await h.services.audit.drain()
      const cut = await h.request('POST', '/api/v1/audit/checkpoints', auditor)
      expect([200, 201]).toContain(cut.status)
      const checkpoint = await json<AuditCheckpoint>(cut)
      const keys = await json<AuditKeys>(await h.request('GET', '/api/v1/audit/keys', auditor))
      const verified = await verifyCheckpoint(
        checkpoint.note,
        keys.keys.map((k) => parseVerifierKey(k.verifierKey)),
      )
      expect(verified.ok).toBe(true)
      if (!verified.ok) return
      const page = await json<AuditEntryPage>(
        await h.request(
          'GET',
          `/api/v1/audit/entries?action=${item.audit.action}&resourceId=${item.audit.resourceId}&treeSize=${checkpoint.treeSize}`,
          auditor,
        ),
      )
      expect(page.items).toHaveLength(1)
      const entry = page.items[0]!
      expect(JSON.parse(entry.canonical)).toMatchObject({ details: { digest: item.digest, evidenceId: item.id } })
      expect(entry.leafHash).toBe(toHex(leafHash(new TextEncoder().encode(entry.canonical))))
      const included = verifyInclusion({
        leafIndex: entry.seq,
        treeSize: checkpoint.treeSize,
        leafHash: fromHex(entry.leafHash),
        proof: entry.proof?.hashes.map(fromHex) ?? [],
        rootHash: fromBase64(checkpoint.rootHash),
      })
      expect(included).toBe(true)
      expect(toHex(verified.checkpoint.rootHash)).toBe(toHex(fromBase64(checkpoint.rootHash)))
      // The item now names its entry's sequence number.
      const detail = await json<EvidenceDetail>(await h.request('GET', `/api/v1/fedmoe/evidence/${item.id}`, viewer))
      expect(detail.audit.seq).toBe(entry.seq)
      // A tampered entry (another digest) does not verify against the same proof.
      const forged = entry.canonical.replace(item.digest, `sha256:${'0'.repeat(64)}`)
      expect(
        verifyInclusion({
          leafIndex: entry.seq,
          treeSize: checkpoint.treeSize,
          leafHash: leafHash(new TextEncoder().encode(forged)),
          proof: entry.proof?.hashes.map(fromHex) ?? [],
          rootHash: fromBase64(checkpoint.rootHash),
        }),
      ).toBe(false)
    })
  })
})
