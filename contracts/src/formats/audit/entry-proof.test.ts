import { beforeAll, describe, expect, it } from 'vitest'
import { verifyAuditFile } from './bundle'
import { canonicalEntryText } from './entry'
import { AUDIT_ENTRY_PROOF_FORMAT, verifyEntryProof } from './entry-proof'
import type { AuditEntryProof, EntryProofVerification } from './entry-proof'
import { leafHash, toBase64, toHex } from './hash'
import { keyIdOf } from './note'
import { breakSigner, makeEd25519Signer, makeMlDsa65Signer } from './test-fixtures'
import type { TestSigner } from './test-fixtures'
import { ORIGIN, buildLog, checkpointNote, makeBundle } from './test-bundle'
import type { Log } from './test-bundle'

let ed: TestSigner
let pq: TestSigner
let log: Log
let honest: AuditEntryProof

async function proofOf(seq: number, treeSize: number, signers: TestSigner[] = [ed, pq]): Promise<AuditEntryProof> {
  return {
    format: AUDIT_ENTRY_PROOF_FORMAT,
    origin: ORIGIN,
    createdAt: '2026-01-02T00:00:00.000Z',
    publicKeys: [ed, pq].map(({ key }) => ({
      name: key.name,
      algorithm: key.algorithm,
      publicKey: toBase64(key.publicKey),
      keyId: toHex(keyIdOf(key)),
      status: 'active' as const,
    })),
    checkpoint: { note: await checkpointNote(log, treeSize, signers) },
    entry: { seq, canonical: log.canonicals[seq]!, proof: log.inclusion(seq, treeSize) },
  }
}

const failureOf = (result: EntryProofVerification) =>
  result.ok ? expect.unreachable('proof verified') : result.failure
const copy = () => structuredClone(honest)

beforeAll(async () => {
  ed = makeEd25519Signer(ORIGIN)
  pq = makeMlDsa65Signer(ORIGIN)
  log = buildLog(12)
  honest = await proofOf(5, 12)
})

describe('verifyEntryProof', () => {
  it('verifies an untouched proof, self-certified by its own keys or against trusted ones', async () => {
    const result = await verifyEntryProof(JSON.parse(JSON.stringify(honest)))
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.summary).toMatchObject({
      seq: 5,
      treeSize: 12,
      origin: ORIGIN,
      selfCertified: true,
      leafHash: toHex(leafHash(new TextEncoder().encode(log.canonicals[5]!))),
      entry: { seq: 5, action: 'auth.sign_in' },
    })
    expect(result.summary.keys.map((k) => k.algorithm).sort()).toEqual(['ed25519', 'ml-dsa-65'])
    const trusted = await verifyEntryProof(honest, { trustedKeys: [ed.key, pq.key] })
    expect(trusted.ok && trusted.summary.selfCertified).toBe(false)
    for (const [seq, size] of [
      [0, 1],
      [11, 12],
      [0, 12],
    ] as const)
      expect((await verifyEntryProof(await proofOf(seq, size))).ok, `${seq} of ${size}`).toBe(true)
  })

  it('refuses an edited entry text', async () => {
    const edited = copy()
    const body = log.bodies[5]!
    edited.entry.canonical = canonicalEntryText({ ...body, actor: { ...body.actor, name: 'Mallory' } })
    expect(failureOf(await verifyEntryProof(edited))).toMatchObject({
      kind: 'broken',
      subject: 'entry',
      seq: 5,
      check: 'inclusion',
    })
    const spaced = copy()
    spaced.entry.canonical = ` ${spaced.entry.canonical}`
    expect(failureOf(await verifyEntryProof(spaced))).toMatchObject({ kind: 'broken', check: 'canonical' })
  })

  it('refuses a proof moved to another seq, an edited path and a seq outside the tree', async () => {
    const moved = copy()
    moved.entry.seq = 4
    expect(failureOf(await verifyEntryProof(moved))).toMatchObject({ check: 'seq', seq: 4 })
    const path = copy()
    path.entry.proof[0] = '0'.repeat(64)
    expect(failureOf(await verifyEntryProof(path))).toMatchObject({ check: 'inclusion' })
    const short = copy()
    short.entry.proof.pop()
    expect(failureOf(await verifyEntryProof(short)).message).toContain('hashes')
    const outside = await proofOf(4, 5)
    outside.entry = { ...outside.entry, seq: 5, canonical: log.canonicals[5]! }
    expect(failureOf(await verifyEntryProof(outside))).toMatchObject({ check: 'range' })
  })

  it('refuses a checkpoint with a broken or missing signature, from untrusted keys, or of another origin', async () => {
    const broken = await proofOf(5, 12, [ed, breakSigner(pq)])
    expect(failureOf(await verifyEntryProof(broken))).toMatchObject({
      subject: 'checkpoint',
      check: 'signature-ml-dsa-65',
    })
    const edOnly = await proofOf(5, 12, [ed])
    expect(failureOf(await verifyEntryProof(edOnly))).toMatchObject({ check: 'signature-ml-dsa-65' })
    const other = makeEd25519Signer(ORIGIN)
    expect(failureOf(await verifyEntryProof(honest, { trustedKeys: [other.key] }))).toMatchObject({
      check: 'untrusted',
    })
    const renamed = copy()
    renamed.origin = 'elsewhere.example/log'
    expect(failureOf(await verifyEntryProof(renamed))).toMatchObject({ check: 'origin' })
    const root = copy()
    root.checkpoint.note = root.checkpoint.note.replace(/\n(\d+)\n/, '\n13\n')
    expect(failureOf(await verifyEntryProof(root)).subject).toBe('checkpoint')
  })

  it('says a file that is not an entry proof is unusable, not broken', async () => {
    const extra = { ...copy(), note: 'added' }
    expect(failureOf(await verifyEntryProof(extra))).toMatchObject({ kind: 'format', check: 'schema' })
    const badKey = copy()
    badKey.publicKeys[0]!.keyId = '00000000'
    expect(failureOf(await verifyEntryProof(badKey))).toMatchObject({ check: 'public-key' })
  })
})

describe('verifyAuditFile', () => {
  it('reads an entry proof and a bundle by their format, and refuses other formats as unusable', async () => {
    const entry = await verifyAuditFile(honest)
    expect(entry.ok && entry.kind).toBe('entry')
    const bundle = await verifyAuditFile(await makeBundle({ log, signers: [ed, pq] }))
    expect(bundle.ok && bundle.kind).toBe('bundle')
    const unknown = await verifyAuditFile({ ...honest, format: 'tensorguardflow.audit-entry-proof/v9' })
    expect(unknown.ok ? null : unknown.failure).toMatchObject({ kind: 'format' })
    const tampered = copy()
    tampered.entry.proof[1] = 'f'.repeat(64)
    const result = await verifyAuditFile(tampered)
    expect(result.ok ? null : result.failure).toMatchObject({ kind: 'broken', check: 'inclusion' })
  })
})
