import { verifyChunk } from '@tg/contracts/formats/audit'
import type { ChunkResult } from '@tg/contracts/formats/audit'
import { describe, expect, it } from 'vitest'
import { serveRpc } from '@/shared/workers/rpc'
import type { RpcContext } from '@/shared/workers/rpc'
import { createReplayPool, replayRangeSize, replayWorkerCount } from './replay-pool'
import { TestLog } from './test-log'
import { verifyAllLeaves } from './verify-all'

describe('the verify-everything pool', () => {
  it('starts one worker per reported core, at least one and at most sixteen', () => {
    expect(replayWorkerCount(undefined)).toBe(1)
    expect(replayWorkerCount(0)).toBe(1)
    expect(replayWorkerCount(Number.NaN)).toBe(1)
    expect(replayWorkerCount(2)).toBe(2)
    expect(replayWorkerCount(6.5)).toBe(6)
    expect(replayWorkerCount(128)).toBe(16)
  })

  it('cuts the log into power-of-two ranges, about four per worker, between 4,096 and 65,536 leaves', () => {
    expect(replayRangeSize(100, 2)).toBe(4096)
    expect(replayRangeSize(100_000, 2)).toBe(16_384)
    expect(replayRangeSize(1_000_000, 2)).toBe(65_536)
    expect(replayRangeSize(1_000_000, 16)).toBe(16_384)
  })

  it('verifies a whole log on several workers, each range where it was fetched, and names an altered entry', async () => {
    const log = new TestLog(40)
    const size = 37
    const canonicals = [...log.canonicals]
    const calls: Array<{ worker: number; start: number; end: number }> = []
    const spawned: MessagePort[] = []
    const spawn = () => {
      const { port1, port2 } = new MessageChannel()
      port1.start()
      port2.start()
      const worker = spawned.length
      spawned.push(port1)
      serveRpc(port2, {
        verifyRange: async (
          params: { start: number; end: number },
          context: RpcContext<never>,
        ): Promise<ChunkResult> => {
          calls.push({ worker, ...params })
          await new Promise((r) => setTimeout(r, 5))
          context.signal.throwIfAborted()
          const leaves = canonicals
            .slice(params.start, params.end)
            .map((canonical, i) => ({ seq: params.start + i, canonical }))
          return verifyChunk(params.start, leaves)
        },
      })
      return Object.assign(port1 as unknown as Worker, { terminate: () => port1.close() })
    }
    const pool = createReplayPool(3, spawn)
    const verify = () =>
      verifyAllLeaves({
        root: { treeSize: size, rootHash: log.root(size) },
        verifyRange: pool.verifyRange,
        pageSize: 8,
        pagesAhead: 6,
        signal: new AbortController().signal,
      })
    expect(await verify()).toMatchObject({ state: 'verified', entries: size })
    expect(calls.map((c) => [c.start, c.end]).sort((a, b) => a[0]! - b[0]!)).toEqual([
      [0, 8],
      [8, 16],
      [16, 24],
      [24, 32],
      [32, 37],
    ])
    expect(new Set(calls.map((c) => c.worker)).size).toBe(3)

    canonicals[20] = canonicals[20]!.replace('request-20', 'request-0')
    expect(await verify()).toMatchObject({ state: 'failed', failure: { check: 'chain', seq: 21 } })
    pool.close()
  })
})
