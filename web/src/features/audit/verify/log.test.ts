import type { AuditCheckpoint, AuditKeys } from '@tg/contracts'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { nextCheckpointMemory } from './consistency'
import { verifyLog } from './log'
import type { LogInput } from './log'
import { ORIGIN, TestLog, corrupt, keysResponse, makeKeyPair, signersOf, verifierKeysOf } from './test-log'
import type { TestKeyPair } from './test-log'
import { decideTrust } from './trust'
import type { CheckpointMemory, TrustMemory } from './types'

let first: TestKeyPair
let rotated: TestKeyPair
let stranger: TestKeyPair
const log = new TestLog(12)
// The same log, but entry 2 was rewritten after this browser saw checkpoint 5.
const rewritten = new TestLog(12, (body) => (body.seq === 2 ? { ...body, outcome: 'denied' } : body))

beforeAll(() => {
  first = makeKeyPair()
  rotated = makeKeyPair()
  stranger = makeKeyPair()
})

const now = new Date('2026-11-23T13:00:00.000Z')

function input(
  checkpoint: AuditCheckpoint,
  keys: AuditKeys,
  memory: Partial<Pick<LogInput, 'trust' | 'remembered'>> = {},
) {
  return {
    checkpoint,
    keys,
    trust: memory.trust ?? null,
    remembered: memory.remembered ?? null,
    getConsistencyProof: vi.fn(async (from: number, to: number) => log.consistency(from, to)),
    now,
  }
}

const trustOf = (keys: AuditKeys): TrustMemory => decideTrust(keys, null, now).firstUseMemory!

async function rememberedAt(source: TestLog, size: number): Promise<CheckpointMemory> {
  const checkpoint = await source.checkpoint(size, signersOf(first))
  return { version: 1, origin: ORIGIN, treeSize: size, rootHash: checkpoint.rootHash, verifiedAt: now.toISOString() }
}

describe('checkpoint signatures and trust', () => {
  it('trusts the server keys on first use, verifies both signatures and remembers keys and checkpoint', async () => {
    const keys = keysResponse([first])
    const result = await verifyLog(input(await log.checkpoint(8, signersOf(first)), keys))
    expect(result.state).toBe('verified')
    expect(result.trust.mode).toBe('tofu-first-use')
    expect(result.checkpoint?.verifiedBy.map((k) => k.algorithm).sort()).toEqual(['ed25519', 'ml-dsa-65'])
    expect(result.checkpoint?.verifiedBy.every((k) => /^[0-9a-f]{64}$/.test(k.fingerprint ?? ''))).toBe(true)
    expect(result.remember.trust?.keys.map((k) => k.verifierKey)).toEqual(verifierKeysOf(first))
    expect(result.remember.checkpoint).toMatchObject({ origin: ORIGIN, treeSize: 8 })
    expect(result.consistency.state).toBe('first')
  })

  it('fails a checkpoint signed by a key that is not pinned, naming the check', async () => {
    const keys = keysResponse([stranger], verifierKeysOf(first))
    const result = await verifyLog(input(await log.checkpoint(8, signersOf(stranger)), keys))
    expect(result.state).toBe('failed')
    expect(result.trust.mode).toBe('pinned')
    expect(result.failures[0]).toMatchObject({ check: 'checkpoint-untrusted' })
    expect(result.failures[0]!.message).toMatch(/pinned keys/)
    expect(result.trust.newKeys.map((k) => k.verifierKey)).toEqual(verifierKeysOf(stranger))
    expect(result.remember).toEqual({ trust: null, checkpoint: null })
  })

  it('needs both algorithms: a checkpoint with only the Ed25519 signature fails', async () => {
    const keys = keysResponse([first])
    const result = await verifyLog(input(await log.checkpoint(8, [first.ed25519]), keys, { trust: trustOf(keys) }))
    expect(result.state).toBe('failed')
    expect(result.failures[0]!.check).toBe('checkpoint-signature-ml-dsa-65')
  })

  it('fails a corrupted signature from a trusted key', async () => {
    const keys = keysResponse([first])
    const checkpoint = await log.checkpoint(8, [first.ed25519, corrupt(first.mlDsa65)])
    const result = await verifyLog(input(checkpoint, keys, { trust: trustOf(keys) }))
    expect(result.state).toBe('failed')
    expect(result.failures[0]!.message).toMatch(/ML-DSA-65 signature .* does not verify/)
  })

  it('reports keys not seen before (a rotation) as untrusted, with their fingerprints', async () => {
    const trust = trustOf(keysResponse([first]))
    const keys = keysResponse([rotated, first])
    const result = await verifyLog(input(await log.checkpoint(10, signersOf(rotated)), keys, { trust }))
    expect(result.state).toBe('untrusted')
    expect(result.trust.mode).toBe('tofu')
    expect(result.trust.newKeys.map((k) => k.verifierKey)).toEqual(verifierKeysOf(rotated))
    expect(result.trust.newKeys.every((k) => /^[0-9a-f]{64}$/.test(k.fingerprint))).toBe(true)
    expect(result.remember).toEqual({ trust: null, checkpoint: null })
  })

  it('fails a checkpoint signed by keys neither trusted nor presented', async () => {
    const keys = keysResponse([first])
    const result = await verifyLog(input(await log.checkpoint(8, signersOf(stranger)), keys, { trust: trustOf(keys) }))
    expect(result.state).toBe('failed')
    expect(result.failures[0]!.check).toBe('checkpoint-untrusted')
  })

  it('does not accept a new log origin silently', async () => {
    const trust = trustOf(keysResponse([first]))
    const other = makeKeyPair('tensorguardflow.test/other')
    const keys = keysResponse([other], [], 'tensorguardflow.test/other')
    const checkpoint = await log.checkpoint(8, signersOf(other), 'tensorguardflow.test/other')
    const result = await verifyLog(input(checkpoint, keys, { trust }))
    expect(result.state).toBe('untrusted')
    expect(result.trust.originChangedFrom).toBe(ORIGIN)
  })

  it('fails when the listed tree size differs from the signed note', async () => {
    const keys = keysResponse([first])
    const checkpoint = await log.checkpoint(8, signersOf(first))
    const result = await verifyLog(input({ ...checkpoint, treeSize: 9 }, keys))
    expect(result.state).toBe('failed')
    expect(result.failures[0]!.check).toBe('checkpoint')
  })
})

describe('consistency with the checkpoint this browser verified before', () => {
  it('verifies that the newest checkpoint extends the remembered one, and moves the memory forward', async () => {
    const keys = keysResponse([first])
    const args = input(await log.checkpoint(12, signersOf(first)), keys, {
      trust: trustOf(keys),
      remembered: await rememberedAt(log, 5),
    })
    const result = await verifyLog(args)
    expect(args.getConsistencyProof).toHaveBeenCalledWith(5, 12)
    expect(result.state).toBe('verified')
    expect(result.consistency).toMatchObject({ state: 'verified', fromSize: 5, toSize: 12 })
    expect(result.remember.checkpoint).toMatchObject({ treeSize: 12 })
    expect(result.remember.trust).toBeNull()
  })

  it('catches a history rewritten after the remembered checkpoint', async () => {
    const keys = keysResponse([first])
    const args = {
      ...input(await rewritten.checkpoint(12, signersOf(first)), keys, {
        trust: trustOf(keys),
        remembered: await rememberedAt(log, 5),
      }),
      getConsistencyProof: async (from: number, to: number) => rewritten.consistency(from, to),
    }
    const result = await verifyLog(args)
    expect(result.state).toBe('failed')
    expect(result.failures).toEqual([expect.objectContaining({ check: 'consistency' })])
    expect(result.failures[0]!.message).toMatch(/does not extend the checkpoint of size 5/)
    expect(result.remember.checkpoint).toBeNull()
  })

  it('catches a rollback and a different root at the same size', async () => {
    const keys = keysResponse([first])
    const trust = trustOf(keys)
    const rolledBack = await verifyLog(
      input(await log.checkpoint(5, signersOf(first)), keys, { trust, remembered: await rememberedAt(log, 9) }),
    )
    expect(rolledBack.state).toBe('failed')
    expect(rolledBack.failures[0]!.message).toMatch(/rolled back/)
    const forked = await verifyLog(
      input(await rewritten.checkpoint(9, signersOf(first)), keys, { trust, remembered: await rememberedAt(log, 9) }),
    )
    expect(forked.state).toBe('failed')
    expect(forked.failures[0]!.message).toMatch(/history was rewritten/)
  })

  it('leaves consistency unchecked, never verified, when the proof cannot be fetched', async () => {
    const keys = keysResponse([first])
    const args = {
      ...input(await log.checkpoint(12, signersOf(first)), keys, {
        trust: trustOf(keys),
        remembered: await rememberedAt(log, 5),
      }),
      getConsistencyProof: async () => {
        throw new Error('Service unavailable')
      },
    }
    const result = await verifyLog(args)
    expect(result.state).toBe('unchecked')
    expect(result.remember.checkpoint).toBeNull()
  })

  it('rejects a proof with a missing hash', async () => {
    const keys = keysResponse([first])
    const args = {
      ...input(await log.checkpoint(12, signersOf(first)), keys, {
        trust: trustOf(keys),
        remembered: await rememberedAt(log, 5),
      }),
      getConsistencyProof: async (from: number, to: number) => log.consistency(from, to).slice(1),
    }
    expect((await verifyLog(args)).state).toBe('failed')
  })

  it('never moves the remembered checkpoint back to a smaller tree', () => {
    const remembered: CheckpointMemory = { version: 1, origin: ORIGIN, treeSize: 9, rootHash: 'x', verifiedAt: '' }
    expect(nextCheckpointMemory(remembered, { origin: ORIGIN, treeSize: 9, rootHash: log.root(9) })).toBeNull()
    expect(nextCheckpointMemory(remembered, { origin: ORIGIN, treeSize: 10, rootHash: log.root(10) })).toMatchObject({
      treeSize: 10,
    })
  })
})
