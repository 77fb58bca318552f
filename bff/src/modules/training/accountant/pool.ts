// The accountant's worker threads (piscina): whatever costs more than a few microseconds or
// grows with a run's length runs there, never on the event loop that answers requests.
// Per-step vectors are also kept in a bounded cache here: runs reuse their settings, and a
// vector is 156 numbers. A miss costs a worker's milliseconds, not the event loop's.
import { availableParallelism } from 'node:os'
import { Piscina } from 'piscina'
import type { LedgerRound, RebuiltLedger, StepSetting } from './tasks'

/** Leave a core to the event loop (and the embedded database, which runs on it). */
const THREADS = Math.max(1, Math.min(4, availableParallelism() - 1))
const IDLE_MS = 30_000
const CACHE_MAX = 4096

let pool: Piscina | null = null
let completedBefore = 0
const cache = new Map<string, Promise<readonly number[]>>()

function poolOf(): Piscina {
  pool ??= new Piscina({
    filename: new URL('./worker.mjs', import.meta.url).href,
    minThreads: 0,
    maxThreads: THREADS,
    idleTimeout: IDLE_MS,
  })
  return pool
}

/** The per-step RDP vector of a setting, from the cache or computed in a worker thread. */
export function perStepVector(setting: StepSetting): Promise<readonly number[]> {
  const key = `${setting.sampleRate}:${setting.noiseMultiplier}`
  const cached = cache.get(key)
  if (cached) {
    // Least recently used goes first: move the entry to the end.
    cache.delete(key)
    cache.set(key, cached)
    return cached
  }
  const computed = (
    poolOf().run(
      { sampleRate: setting.sampleRate, noiseMultiplier: setting.noiseMultiplier },
      { name: 'perStepVector' },
    ) as Promise<number[]>
  ).then((vector) => Object.freeze(vector))
  computed.catch(() => cache.delete(key))
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!)
  cache.set(key, computed)
  return computed
}

/** A run's epsilon after each round and its total RDP, replayed in a worker thread. */
export function rebuildLedger(rounds: LedgerRound[], delta: number): Promise<RebuiltLedger> {
  return poolOf().run({ rounds, delta }, { name: 'rebuildLedger' }) as Promise<RebuiltLedger>
}

/** Work done and waiting in the worker threads since start (for health and operators). */
export function accountantStats(): { threads: number; queued: number; completed: number } {
  return {
    threads: pool?.threads.length ?? 0,
    queued: pool?.queueSize ?? 0,
    completed: completedBefore + (pool?.completed ?? 0),
  }
}

/** Ends the worker threads (at shutdown); the pool starts again on the next use. */
export async function closeAccountantPool(): Promise<void> {
  const closing = pool
  completedBefore += closing?.completed ?? 0
  pool = null
  await closing?.destroy()
}
