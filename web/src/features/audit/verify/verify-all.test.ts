import type { AuditEntryRecord } from '@tg/contracts'
import { toHex } from '@tg/contracts/formats/audit'
import { describe, expect, it, vi } from 'vitest'
import { TestLog } from './test-log'
import { verifyAllLeaves } from './verify-all'
import type { VerifyAllInput } from './verify-all'

const SIZE = 23

/** The server side: leaves and single entries (with proofs) as the endpoints serve them. */
function serverOf(log: TestLog, canonicals = [...log.canonicals], seqs = canonicals.map((_, i) => i)) {
  const served = seqs.map((seq) => ({ seq, canonical: canonicals[seq]! }))
  return {
    fetchLeaves: vi.fn(async (start: number, count: number) => ({
      entries: served.filter((e) => e.seq >= start && e.seq < start + count),
    })),
    fetchEntry: vi.fn(async (seq: number): Promise<AuditEntryRecord> => ({
      seq,
      canonical: canonicals[seq]!,
      leafHash: toHex(log.leaves[seq]!),
      proof: { treeSize: SIZE, hashes: log.inclusion(seq, SIZE) },
    })),
  }
}

function run(
  log: TestLog,
  server: Pick<VerifyAllInput, 'fetchLeaves' | 'fetchEntry'>,
  signal = new AbortController().signal,
) {
  const onProgress = vi.fn()
  const result = verifyAllLeaves({
    root: { treeSize: SIZE, rootHash: log.root(SIZE) },
    ...server,
    signal,
    onProgress,
    pageSize: 5,
  })
  return { result, onProgress }
}

describe('verify everything', () => {
  it('recomputes the whole tree page by page and matches the signed root', async () => {
    const log = new TestLog(30)
    const server = serverOf(log)
    const { result, onProgress } = run(log, server)
    expect(await result).toMatchObject({ state: 'verified', treeSize: SIZE, entries: SIZE })
    expect(server.fetchLeaves.mock.calls.map((c) => [c[0], c[1]])).toEqual([
      [0, 5],
      [5, 5],
      [10, 5],
      [15, 5],
      [20, 3],
    ])
    expect(onProgress).toHaveBeenLastCalledWith({ done: SIZE, total: SIZE })
  })

  it('names a missing seq', async () => {
    const log = new TestLog(30)
    const seqs = log.canonicals.map((_, i) => i).filter((seq) => seq !== 12)
    const { result } = run(log, serverOf(log, log.canonicals, seqs))
    expect(await result).toMatchObject({ state: 'failed', done: 12, failure: { check: 'missing', seq: 12 } })
  })

  it('names the entry whose text was changed (the chain breaks at its successor)', async () => {
    const log = new TestLog(30)
    const canonicals = [...log.canonicals]
    canonicals[9] = canonicals[9]!.replace('"name":"admin"', '"name":"mallory"')
    const { result } = run(log, serverOf(log, canonicals))
    const outcome = await result
    expect(outcome).toMatchObject({ state: 'failed', failure: { check: 'inclusion', seq: 9 } })
    expect(outcome.state === 'failed' && outcome.failure.message).toMatch(/Entry 9 was altered/)
  })

  it('without single-entry proofs, names the chain break', async () => {
    const log = new TestLog(30)
    const canonicals = [...log.canonicals]
    canonicals[9] = canonicals[9]!.replace('request-9', 'request-0')
    const { fetchLeaves } = serverOf(log, canonicals)
    expect(await run(log, { fetchLeaves }).result).toMatchObject({
      state: 'failed',
      failure: { check: 'chain', seq: 10 },
    })
  })

  it('finds an altered last entry through the root mismatch', async () => {
    const log = new TestLog(30)
    const canonicals = [...log.canonicals]
    canonicals[SIZE - 1] = canonicals[SIZE - 1]!.replace('auth.sign_in', 'auth.sign_out')
    const { result } = run(log, serverOf(log, canonicals))
    expect(await result).toMatchObject({ state: 'failed', failure: { check: 'inclusion', seq: SIZE - 1 } })
  })

  it('reports a root mismatch when no entry can be blamed', async () => {
    const log = new TestLog(30)
    const other = new TestLog(30, (body) => ({ ...body, clientIp: '10.0.0.1' }))
    const { fetchLeaves } = serverOf(other)
    expect(await run(log, { fetchLeaves }).result).toMatchObject({ state: 'failed', failure: { check: 'root' } })
  })

  it('stops when cancelled', async () => {
    const log = new TestLog(30)
    const controller = new AbortController()
    const server = serverOf(log)
    server.fetchLeaves.mockImplementation(async (start: number, count: number) => {
      if (start >= 10) controller.abort()
      return {
        entries: log.canonicals.slice(start, start + count).map((canonical, i) => ({ seq: start + i, canonical })),
      }
    })
    await expect(run(log, server, controller.signal).result).rejects.toThrow(/abort/i)
  })
})
