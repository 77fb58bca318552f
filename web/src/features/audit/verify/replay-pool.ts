// The workers of one "verify everything" run: as many as the machine has cores
// (navigator.hardwareConcurrency), each streaming and hashing whole ranges of leaves; calls go to
// the least busy worker, and cancelling a call cancels its download.
import type { ChunkResult } from '@tg/contracts/formats/audit'
import { createRpcClient } from '@/shared/workers/rpc'
import type { ReplayMethods } from './range-stream'

export type RangeVerifier = (start: number, count: number, signal: AbortSignal) => Promise<ChunkResult>

export type ReplayPool = { size: number; verifyRange: RangeVerifier; close: () => void }

/** Most workers one run starts, whatever the machine reports. */
export const MAX_REPLAY_WORKERS = 16

/** Workers for a machine that reports `cores` (an unknown or odd value gives 1). */
export function replayWorkerCount(cores: number | undefined): number {
  if (!cores || !Number.isFinite(cores) || cores < 1) return 1
  return Math.min(Math.floor(cores), MAX_REPLAY_WORKERS)
}

/**
 * Leaves per range: a power of two (each range is then whole subtrees), about four ranges per
 * worker so that the work stays balanced and progress moves, between 4,096 and 65,536.
 */
export function replayRangeSize(treeSize: number, workers: number): number {
  const target = Math.ceil(treeSize / (workers * 4))
  let size = 4096
  while (size < target && size < 65_536) size *= 2
  return size
}

type PoolWorker = Pick<Worker, 'postMessage' | 'addEventListener' | 'terminate'>

export function createReplayPool(size: number, spawn: () => PoolWorker): ReplayPool {
  const members = Array.from({ length: size }, () => {
    const worker = spawn()
    return { worker, rpc: createRpcClient<ReplayMethods>(worker), busy: 0 }
  })
  return {
    size,
    async verifyRange(start, count, signal) {
      const member = members.reduce((a, b) => (b.busy < a.busy ? b : a))
      member.busy++
      try {
        return await member.rpc.call('verifyRange', { start, end: start + count }, { signal })
      } finally {
        member.busy--
      }
    },
    close: () => members.forEach((m) => m.worker.terminate()),
  }
}
