import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditCheckpoint, AuditEntryPage, AuditKeys, AuditLeaves, ConsistencyProof } from '@tg/contracts'
import {
  fromBase64,
  fromHex,
  leafHash,
  merkleRoot,
  parseCheckpointBody,
  parseEntryText,
  parseVerifierKey,
  toHex,
  verifyBundle,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
} from '@tg/contracts/formats/audit'
import type { AuditBundle, VerifierKey } from '@tg/contracts/formats/audit'
import { auditSigningKeys } from '../../db/schema'
import { AppError } from '../../lib/errors'
import { createLogger } from '../../lib/logger'
import { disabledRateLimiter } from '../../lib/rate-limit-store'
import { createApp } from '../../app'
import { TEST_PASSWORD, createHarness, json } from '../../test/harness'
import type { Harness } from '../../test/harness'

const encoder = new TextEncoder()
let h: Harness
let admin: { cookie: string; csrf: string }
let auditor: { cookie: string; csrf: string }

async function get<T>(path: string, caller = auditor): Promise<T> {
  const res = await h.request('GET', path, caller)
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`)
  return json<T>(res)
}

async function trustedKeys(): Promise<VerifierKey[]> {
  const keys = await get<AuditKeys>('/api/v1/audit/keys')
  return keys.keys.map((k) => parseVerifierKey(k.verifierKey))
}

async function cut(): Promise<AuditCheckpoint> {
  await h.services.audit.drain()
  const res = await h.request('POST', '/api/v1/audit/checkpoints', auditor)
  expect([200, 201]).toContain(res.status)
  return json<AuditCheckpoint>(res)
}

async function allLeaves(): Promise<Array<{ seq: number; canonical: string }>> {
  return (await get<AuditLeaves>('/api/v1/audit/leaves?start=0&count=5000')).entries
}

beforeAll(async () => {
  h = await createHarness()
  admin = await h.userSession('root', ['admin'])
  auditor = await h.userSession('aud', ['auditor'])
  for (let i = 0; i < 5; i++)
    await h.request('POST', '/api/v1/auth/sign-in', { body: { username: 'nobody', password: `wrong ${i}` } })
})
afterAll(() => h.close())

describe('the audit log', () => {
  it('sequences every state change into contiguous entries chained by the previous hash', async () => {
    await h.services.audit.drain()
    const leaves = await allLeaves()
    expect(leaves.map((l) => l.seq)).toEqual(leaves.map((_, i) => i))
    let prev: string | null = null
    for (const leaf of leaves) {
      const parsed = parseEntryText(leaf.canonical)
      expect(parsed.ok, `entry ${leaf.seq} is canonical`).toBe(true)
      if (!parsed.ok) continue
      expect(parsed.body.seq).toBe(leaf.seq)
      expect(parsed.body.prevHash).toBe(prev)
      prev = toHex(leafHash(encoder.encode(leaf.canonical)))
    }
    const actions = leaves.map((l) => (JSON.parse(l.canonical) as { action: string }).action)
    expect(actions[0]).toBe('audit.keys_created')
    expect(actions).toEqual(expect.arrayContaining(['admin.user_created', 'auth.sign_in']))
    expect(actions.filter((a) => a === 'auth.sign_in')).toHaveLength(7)
  })

  it('signs checkpoints with Ed25519 and ML-DSA-65 over the root of every entry', async () => {
    const checkpoint = await cut()
    const verification = await verifyCheckpoint(checkpoint.note, await trustedKeys())
    expect(verification.ok).toBe(true)
    if (!verification.ok) return
    expect(verification.verifiedBy.map((k) => k.algorithm).sort()).toEqual(['ed25519', 'ml-dsa-65'])
    const leaves = await allLeaves()
    expect(checkpoint.treeSize).toBe(leaves.length)
    const root = merkleRoot(leaves.map((l) => leafHash(encoder.encode(l.canonical))))
    expect(toHex(verification.checkpoint.rootHash)).toBe(toHex(root))
    expect(checkpoint.rootHash).toBe(Buffer.from(root).toString('base64'))
    // Cutting again without new entries returns the same checkpoint.
    const again = await h.request('POST', '/api/v1/audit/checkpoints', auditor)
    expect(again.status).toBe(200)
    expect((await json<AuditCheckpoint>(again)).treeSize).toBe(checkpoint.treeSize)
  })

  it('serves each listed entry with an inclusion proof that verifies against the checkpoint', async () => {
    const checkpoint = await cut()
    await h.createUser('after-checkpoint', ['viewer'])
    await h.services.audit.drain()
    const page = await get<AuditEntryPage>('/api/v1/audit/entries?limit=200')
    expect(page.treeSize).toBe(checkpoint.treeSize)
    const root = parseCheckpointBody(checkpoint.note.split('\n\n')[0] + '\n').rootHash
    for (const item of page.items) {
      if (item.seq >= checkpoint.treeSize) {
        expect(item.proof, `entry ${item.seq} is newer than the checkpoint`).toBeNull()
        continue
      }
      expect(item.leafHash).toBe(toHex(leafHash(encoder.encode(item.canonical))))
      const isIncluded = verifyInclusion({
        leafIndex: item.seq,
        treeSize: checkpoint.treeSize,
        leafHash: fromHex(item.leafHash),
        proof: item.proof?.hashes.map(fromHex) ?? [],
        rootHash: root,
      })
      expect(isIncluded, `entry ${item.seq}`).toBe(true)
    }
    expect(page.items.some((i) => i.proof === null)).toBe(true)
  })

  it('filters and pages in a stable order, and answers 404 and 422 as declared', async () => {
    const signIns = await get<AuditEntryPage>('/api/v1/audit/entries?action=auth.sign_in&outcome=failure&limit=2')
    expect(signIns.items).toHaveLength(2)
    const next = await get<AuditEntryPage>(
      `/api/v1/audit/entries?action=auth.sign_in&outcome=failure&limit=10&cursor=${signIns.nextCursor}`,
    )
    const seqs = [...signIns.items, ...next.items].map((i) => i.seq)
    expect(seqs).toHaveLength(5)
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs)
    const prefixed = await get<AuditEntryPage>('/api/v1/audit/entries?action=admin.&limit=50&withProofs=false')
    expect(
      prefixed.items.every((i) => (JSON.parse(i.canonical) as { action: string }).action.startsWith('admin.')),
    ).toBe(true)
    expect(prefixed.items.every((i) => i.proof === null)).toBe(true)
    const byActor = await get<AuditEntryPage>('/api/v1/audit/entries?actor=root')
    expect(byActor.items.length).toBeGreaterThan(0)
    expect(
      byActor.items.every((i) => (JSON.parse(i.canonical) as { actor: { name: string } }).actor.name === 'root'),
    ).toBe(true)

    expect((await h.request('GET', '/api/v1/audit/entries?cursor=abc', auditor)).status).toBe(422)
    expect((await h.request('GET', '/api/v1/audit/entries?treeSize=999999', auditor)).status).toBe(404)
    expect((await h.request('GET', '/api/v1/audit/entries/999999', auditor)).status).toBe(404)
    expect((await h.request('GET', '/api/v1/audit/leaves?start=0&count=0', auditor)).status).toBe(422)
    const detail = await get<{ entry: { seq: number; proof: unknown }; checkpoint: AuditCheckpoint }>(
      '/api/v1/audit/entries/1',
    )
    expect(detail.entry.seq).toBe(1)
    expect(detail.entry.proof).not.toBeNull()
  })

  it('proves that a later checkpoint extends an earlier one', async () => {
    const first = await cut()
    await h.createUser('between', ['viewer'])
    const second = await cut()
    expect(second.treeSize).toBeGreaterThan(first.treeSize)
    const proof = await get<ConsistencyProof>(
      `/api/v1/audit/proofs/consistency?from=${first.treeSize}&to=${second.treeSize}`,
    )
    expect(
      verifyConsistency({
        oldSize: first.treeSize,
        newSize: second.treeSize,
        oldRoot: fromBase64(first.rootHash),
        newRoot: fromBase64(second.rootHash),
        proof: proof.hashes.map(fromHex),
      }),
    ).toBe(true)
    const list = await get<{ items: AuditCheckpoint[] }>('/api/v1/audit/checkpoints?limit=2')
    expect(list.items.map((c) => c.treeSize)).toEqual([second.treeSize, first.treeSize])
    expect(
      (await h.request('GET', `/api/v1/audit/proofs/consistency?from=${second.treeSize}&to=${first.treeSize}`, auditor))
        .status,
    ).toBe(422)
  })

  it('answers 409 when asked to checkpoint an empty log', async () => {
    const fresh = await createHarness({ initializeAudit: false })
    const refusal = await fresh.services.audit.createCheckpoint().catch((err: unknown) => err as AppError)
    expect(refusal).toBeInstanceOf(AppError)
    expect((refusal as AppError).status).toBe(409)
    await fresh.close()
  })
})

describe('audit signing keys', () => {
  it('are stored sealed: the database holds no usable secret, and another master key cannot sign', async () => {
    const rows = await h.database.db.select().from(auditSigningKeys)
    for (const row of rows) {
      const sealed = JSON.parse(row.sealedSecret) as Record<string, string>
      expect(Object.keys(sealed).sort()).toEqual(['ct', 'iv', 'tag', 'v', 'wdek', 'wiv', 'wtag'])
    }
    // The same database behind a server with another TG_KEY_MASTER cannot sign a checkpoint.
    const impostor = createApp({
      config: { publicUrl: undefined, trustProxy: false, sessionTtlMs: 60_000, maxJsonBytes: 4096, webDist: '/none' },
      database: h.database,
      log: createLogger('silent'),
      rateLimiter: disabledRateLimiter(),
      sessionSecret: 'another-session-secret-0123456789abcdef',
      keyMaster: 'another-key-master-0123456789abcdef-01234',
      audit: {
        origin: undefined,
        checkpointEvery: 1000,
        checkpointIntervalMs: 3600_000,
        pinnedKeys: [],
        selfCheckIntervalMs: 3600_000,
        selfCheckFullIntervalMs: 3600_000,
      },
      tgsp: { blobDir: h.blobDir, maxUploadBytes: 1024, channels: ['stable'] },
    })
    await h.createUser('needs-a-new-checkpoint', ['viewer'])
    await expect(impostor.services.audit.createCheckpoint()).rejects.toThrow(/wrong TG_KEY_MASTER/)
  })

  it('rotate on an admin request only; old checkpoints still verify with the retired keys', async () => {
    const before = await cut()
    const oldKeys = await trustedKeys()
    expect((await h.request('POST', '/api/v1/audit/keys/rotate', auditor)).status).toBe(403)
    const res = await h.request('POST', '/api/v1/audit/keys/rotate', admin)
    expect(res.status).toBe(201)
    const keys = await json<AuditKeys>(res)
    expect(keys.keys.filter((k) => k.status === 'active')).toHaveLength(2)
    expect(keys.keys.filter((k) => k.status === 'retired').length).toBeGreaterThanOrEqual(2)
    expect(keys.keys.every((k) => /^[0-9a-f]{64}$/.test(k.fingerprint))).toBe(true)

    const after = await get<AuditCheckpoint>('/api/v1/audit/checkpoints/latest')
    expect(after.treeSize).toBeGreaterThan(before.treeSize)
    const newKeys = keys.keys.filter((k) => k.status === 'active').map((k) => parseVerifierKey(k.verifierKey))
    expect((await verifyCheckpoint(after.note, newKeys)).ok).toBe(true)
    expect((await verifyCheckpoint(after.note, oldKeys)).ok).toBe(false)
    expect((await verifyCheckpoint(before.note, await trustedKeys())).ok).toBe(true)
    const rotation = (await h.auditEntries()).find((e) => e.action === 'audit.keys_rotated')
    expect(rotation?.body.actor.name).toBe('root')
  })
})

describe('tampering', () => {
  it('an edited entry fails its inclusion proof, and only that entry', async () => {
    const t = await createHarness()
    for (let i = 0; i < 6; i++) await t.createUser(`user${i}`, ['viewer'])
    const key = await t.apiKey(['auditor'])
    await t.services.audit.createCheckpoint()
    await t.database.db.execute(sql`alter table audit_log disable trigger audit_log_append_only`)
    await t.database.db.execute(
      sql`update audit_log set canonical = replace(canonical, 'user3', 'mallory') where seq = 4`,
    )
    const page = await json<AuditEntryPage>(await t.request('GET', '/api/v1/audit/entries?limit=50', { bearer: key }))
    const checkpoint = await json<AuditCheckpoint>(
      await t.request('GET', '/api/v1/audit/checkpoints/latest', { bearer: key }),
    )
    const failed = page.items
      .filter((item) => item.proof)
      .filter(
        (item) =>
          !verifyInclusion({
            leafIndex: item.seq,
            treeSize: checkpoint.treeSize,
            leafHash: leafHash(encoder.encode(item.canonical)),
            proof: item.proof?.hashes.map(fromHex) ?? [],
            rootHash: fromBase64(checkpoint.rootHash),
          }),
      )
      .map((item) => item.seq)
    expect(failed).toEqual([4])
    await t.close()
  })
})

describe('the export bundle', () => {
  const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..')
  const tgctl = (...args: string[]) =>
    spawnSync(join(root, 'node_modules/.bin/tsx'), ['bff/src/cli/tgctl.ts', ...args], { cwd: root, encoding: 'utf8' })

  it('verifies offline, and tgctl names the first broken link of a tampered copy', async () => {
    await h.createUser('exported', ['viewer'])
    const res = await h.request('GET', '/api/v1/audit/export?action=admin.', auditor)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toContain('attachment')
    const bundle = await json<AuditBundle>(res)
    expect(bundle.entries.length).toBeGreaterThan(3)
    expect(bundle.checkpoints.length).toBe(2)
    expect(bundle).toMatchObject({ format: 'tensorguardflow.audit-bundle/v2', filter: { action: 'admin.' } })
    expect(bundle.range).toEqual({ fromSeq: 0, toSeq: bundle.range.treeSize, treeSize: bundle.range.treeSize })
    const result = await verifyBundle(bundle, { trustedKeys: await trustedKeys() })
    expect(result).toMatchObject({ ok: true, summary: { filter: { action: 'admin.' } } })
    expect(result.ok && result.summary.leftOut).toBe(bundle.range.treeSize - bundle.entries.length)

    const dir = mkdtempSync(join(tmpdir(), 'tg-bundle-'))
    writeFileSync(join(dir, 'good.json'), JSON.stringify(bundle))
    const good = tgctl('audit', 'verify', join(dir, 'good.json'))
    expect(good.stdout).toContain('ALL HOLDS')
    expect(good.status).toBe(0)

    const victim = bundle.entries[2] as AuditBundle['entries'][number]
    const tampered = {
      ...bundle,
      entries: bundle.entries.map((e) =>
        e === victim ? { ...e, canonical: e.canonical.replace('viewer', 'admin') } : e,
      ),
    }
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(tampered))
    const bad = tgctl('audit', 'verify', join(dir, 'bad.json'))
    expect(bad.status).toBe(1)
    expect(bad.stdout).toContain('BROKEN')
    expect(bad.stdout).toContain(`entry ${victim.seq}`)
  })

  it('is 404 for an empty log and 422 for a malformed range', async () => {
    const fresh = await createHarness({ initializeAudit: false })
    const refusal = await fresh.services.audit.exportBundle({}).catch((err: unknown) => err as AppError)
    expect((refusal as AppError).status).toBe(404)
    const key = await fresh.apiKey(['auditor'])
    expect((await fresh.request('GET', '/api/v1/audit/export?fromSeq=abc', { bearer: key })).status).toBe(422)
    await fresh.close()
    const backwards = await h.request('GET', '/api/v1/audit/export?fromSeq=5&toSeq=2', auditor)
    expect(backwards.status).toBe(422)
    expect((await json<{ error: { message: string } }>(backwards)).error.message).toBe(
      'fromSeq must be at most toSeq (2).',
    )
  })
})

describe('concurrent writers', () => {
  it('never give two entries one sequence number', async () => {
    const before = (await allLeaves()).length
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h.request('POST', '/api/v1/admin/users', {
          ...admin,
          body: { username: `burst${i}`, displayName: 'Burst', password: TEST_PASSWORD, roles: ['viewer'] },
        }),
      ),
    )
    await h.services.audit.drain()
    const leaves = await allLeaves()
    expect(leaves.length).toBe(before + 20)
    expect(new Set(leaves.map((l) => l.seq)).size).toBe(leaves.length)
  })
})

describe('a large log', () => {
  it('serves a page of 200 entries whose proofs need hundreds of stored nodes, all verifying', async () => {
    const big = await createHarness()
    await big.database.db.execute(
      sql.raw(`insert into audit_pending (actor_type, actor_name, action, resource_type, resource_id, outcome, details)
        select 'user', 'user' || (g % 50), 'admin.user_updated', 'user', 'u' || g, 'success', jsonb_build_object('n', g)
        from generate_series(1, 20000) g`),
    )
    const { checkpoint } = await big.services.audit.createCheckpoint()
    expect(checkpoint.treeSize).toBe(20001)
    const root = fromBase64(checkpoint.rootHash)
    for (const cursor of [undefined, '10000']) {
      const page = await big.services.audit.listEntries({ limit: 200, withProofs: true, cursor })
      expect(page.items).toHaveLength(200)
      for (const item of page.items) {
        const ok = verifyInclusion({
          leafIndex: item.seq,
          treeSize: checkpoint.treeSize,
          leafHash: fromHex(item.leafHash),
          proof: item.proof?.hashes.map(fromHex) ?? [],
          rootHash: root,
        })
        expect(ok, `entry ${item.seq}`).toBe(true)
      }
    }
    await big.close()
  }, 120_000) // seeds and sequences a large log: 40 s on this 2-core machine under load
})

describe('who may rotate', () => {
  it('is told by the keys endpoint, so the console offers rotation only to admins', async () => {
    expect((await get<AuditKeys>('/api/v1/audit/keys', admin)).canRotate).toBe(true)
    expect((await get<AuditKeys>('/api/v1/audit/keys', auditor)).canRotate).toBe(false)
  })
})
