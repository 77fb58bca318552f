// Runs privacy computations in the Web Worker for inputs that change as a person types: the last
// input wins, a result for an older input is dropped, and nothing is computed while the input is
// invalid (null).
import { watchDebounced } from '@vueuse/core'
import { onScopeDispose, shallowRef } from 'vue'
import { createRpcClient } from '@/shared/workers/rpc'
import type { PrivacyMethods } from './privacy-methods'

type Method = keyof PrivacyMethods
type InputOf<M extends Method> = Parameters<PrivacyMethods[M]>[0]
type OutputOf<M extends Method> = Awaited<ReturnType<PrivacyMethods[M]>>

/** A computation's state; a result carries the input it is for. */
export type Computation<I, T> =
  | { phase: 'idle' }
  | { phase: 'computing' }
  | { phase: 'done'; input: I; value: T; elapsedMs: number }
  | { phase: 'error'; message: string }

function startWorker() {
  const worker = new Worker(new URL('./worker/privacy.worker.ts', import.meta.url), {
    type: 'module',
    name: 'privacy-calculator',
  })
  return { worker, rpc: createRpcClient<PrivacyMethods>(worker) }
}

/** The result of `method` for `input()`, recomputed (after `debounceMs`) whenever the input changes. */
export function usePrivacyComputation<M extends Method>(method: M, input: () => InputOf<M> | null, debounceMs = 200) {
  const { worker, rpc } = startWorker()
  onScopeDispose(() => worker.terminate())
  const result = shallowRef<Computation<InputOf<M>, OutputOf<M>>>({ phase: 'idle' })
  let generation = 0

  async function run(value: InputOf<M> | null) {
    const current = ++generation
    if (!value) return void (result.value = { phase: 'idle' })
    result.value = { phase: 'computing' }
    const started = performance.now()
    try {
      const output = (await rpc.call(method, { ...value } as never)) as OutputOf<M>
      if (current === generation)
        result.value = { phase: 'done', input: value, value: output, elapsedMs: performance.now() - started }
    } catch (error) {
      if (current === generation)
        result.value = { phase: 'error', message: error instanceof Error ? error.message : String(error) }
    }
  }

  watchDebounced(
    () => JSON.stringify(input()),
    () => void run(input()),
    { debounce: debounceMs },
  )
  void run(input())
  return result
}
