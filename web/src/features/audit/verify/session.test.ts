import type { AuditEntryRecord } from '@tg/contracts'
import { toHex } from '@tg/contracts/formats/audit'
import { beforeAll, describe, expect, it } from 'vitest'
import { createVerifier } from './session'
import type { VerifierSource } from './session'
import { TestLog, keysResponse, makeKeyPair, signersOf } from './test-log'
import type { TestKeyPair } from './test-log'

const SIZE = 9
const log = new TestLog(12)
let pair: TestKeyPair
let stranger: TestKeyPair
beforeAll(() => {
  pair = makeKeyPair()
  stranger = makeKeyPair()
})

const source: VerifierSource = {
  consistencyProof: async (from, to) => log.consistency(from, to),
  leaves: async (start, count) => ({
    entries: log.canonicals.slice(start, start + count).map((canonical, i) => ({ seq: start + i, canonical })),
  }),
  entry: async (seq, treeSize): Promise<AuditEntryRecord> => ({
    seq,
    canonical: log.canonicals[seq]!,
    leafHash: toHex(log.leaves[seq]!),
    proof: { treeSize, hashes: log.inclusion(seq, treeSize) },
  }),
}
const noProgress = { signal: new AbortController().signal, progress: () => undefined }

describe('the verifier the worker serves', () => {
  it('verifies the log, then rows and everything against that session only', async () => {
    const verifier = createVerifier(source)
    const params = {
      checkpoint: await log.checkpoint(SIZE, signersOf(pair)),
      keys: keysResponse([pair]),
      trust: null,
      remembered: null,
    }
    const { sessionId, log: result } = await verifier.verifyLog(params)
    expect(result.state).toBe('verified')
    const { results, elapsedMs } = await verifier.verifyRows({ sessionId, rows: log.rows([11, 10, 9, 8, 7], SIZE) })
    expect(results.map((r) => [r.seq, r.state])).toEqual([
      [7, 'verified'],
      [8, 'verified'],
      [9, 'pending'],
      [10, 'pending'],
      [11, 'pending'],
    ])
    expect(elapsedMs).toBeGreaterThanOrEqual(0)
    expect(await verifier.verifyAll({ sessionId }, noProgress)).toMatchObject({ state: 'verified', entries: SIZE })
  })

  it('never verifies rows of a checkpoint that failed, nor everything', async () => {
    const verifier = createVerifier(source)
    const params = {
      checkpoint: await log.checkpoint(SIZE, signersOf(stranger)),
      keys: keysResponse([pair]),
      trust: { version: 1 as const, logOrigin: keysResponse([pair]).origin, keys: [] },
      remembered: null,
    }
    const { sessionId, log: result } = await verifier.verifyLog(params)
    expect(result.state).toBe('failed')
    const { results } = await verifier.verifyRows({ sessionId, rows: log.rows([3], SIZE) })
    expect(results[0]).toMatchObject({ state: 'failed', failures: [expect.objectContaining({ check: 'checkpoint' })] })
    await expect(verifier.verifyAll({ sessionId }, noProgress)).rejects.toThrow(/no verified checkpoint/)
  })

  it('keeps rows pending when there is no checkpoint yet, and refuses unknown sessions', async () => {
    const verifier = createVerifier(source)
    const { sessionId } = await verifier.openUnverified({ reason: 'No signed checkpoint exists yet.' })
    const { results } = await verifier.verifyRows({ sessionId, rows: log.rows([1], 0) })
    expect(results[0]).toMatchObject({ state: 'pending', pendingReason: 'No signed checkpoint exists yet.' })
    await expect(verifier.verifyRows({ sessionId: sessionId + 1, rows: [] })).rejects.toThrow(/session has ended/)
  })
})
