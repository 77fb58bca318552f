import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditCheckpoint, AuditKeys } from '@tg/contracts'
import { AUDIT_ENTRY_PROOF_FORMAT, parseVerifierKey, verifyEntryProof } from '@tg/contracts/formats/audit'
import type { AuditEntryProof } from '@tg/contracts/formats/audit'
import { createHarness, json } from '../../test/harness'
import type { Harness } from '../../test/harness'

let h: Harness
let auditor: { cookie: string; csrf: string }
let viewer: { cookie: string; csrf: string }

beforeAll(async () => {
  h = await createHarness()
  auditor = await h.userSession('aud', ['auditor'])
  viewer = await h.userSession('vic', ['viewer'])
})
afterAll(() => h.close())

describe('GET /api/v1/audit/entries/{seq}/proof', () => {
  it("answers one entry's proof as a download that verifies against the log's keys", async () => {
    await h.services.audit.drain()
    const res = await h.request('GET', '/api/v1/audit/entries/1/proof', auditor)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="audit-entry-1-proof.json"')
    const proof = await json<AuditEntryProof>(res)
    expect(proof.format).toBe(AUDIT_ENTRY_PROOF_FORMAT)
    expect(proof.entry.seq).toBe(1)
    const keys = await json<AuditKeys>(await h.request('GET', '/api/v1/audit/keys', auditor))
    const result = await verifyEntryProof(proof, { trustedKeys: keys.keys.map((k) => parseVerifierKey(k.verifierKey)) })
    expect(result.ok && result.summary.seq).toBe(1)
  })

  it('cuts a checkpoint when none covers the entry yet', async () => {
    const before = await json<AuditCheckpoint>(await h.request('GET', '/api/v1/audit/checkpoints/latest', auditor))
    await h.createUser('newer', ['viewer'])
    await h.services.audit.drain()
    const { treeSize } = (await h.services.audit.leaves(0, 1)) as { treeSize: number }
    expect(treeSize).toBeGreaterThan(before.treeSize)
    const proof = await json<AuditEntryProof>(
      await h.request('GET', `/api/v1/audit/entries/${treeSize - 1}/proof`, auditor),
    )
    const result = await verifyEntryProof(proof)
    expect(result.ok && result.summary.treeSize).toBeGreaterThanOrEqual(treeSize)
  })

  it('answers 404, 422 and 403 as declared', async () => {
    const missing = await h.request('GET', '/api/v1/audit/entries/999999/proof', auditor)
    expect(missing.status).toBe(404)
    expect((await json<{ error: { code: string } }>(missing)).error.code).toBe('NOT_FOUND')
    expect((await h.request('GET', '/api/v1/audit/entries/x/proof', auditor)).status).toBe(422)
    expect((await h.request('GET', '/api/v1/audit/entries/1/proof', viewer)).status).toBe(403)
  })
})
