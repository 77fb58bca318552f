// A small request/response protocol over postMessage between the console and a Web Worker:
// each call has an id, may report progress, can be cancelled, and ends in a result or an error.

/** The methods a worker serves: each takes params and a context, and resolves to its result. */
export type RpcMethods = Record<string, (params: never, context: never) => Promise<unknown>>

export type RpcContext<P> = {
  /** Aborted when the caller cancels the call. */
  signal: AbortSignal
  progress: (value: P) => void
}

type ParamsOf<F> = F extends (params: infer P, context: never) => Promise<unknown> ? P : never
type ResultOf<F> = F extends (...args: never[]) => Promise<infer R> ? R : never
type ProgressOf<F> = F extends (params: never, context: RpcContext<infer P>) => Promise<unknown> ? P : never

type CallMessage = { id: number; kind: 'call'; method: string; params: unknown }
type CancelMessage = { id: number; kind: 'cancel' }
type ReplyMessage =
  | { id: number; kind: 'progress'; value: unknown }
  | { id: number; kind: 'result'; value: unknown }
  | { id: number; kind: 'error'; message: string; isAbort: boolean }

/** What the worker side needs of its global scope (DedicatedWorkerGlobalScope, or a test double). */
export type RpcPort = {
  postMessage: (message: unknown) => void
  addEventListener: (type: 'message', listener: (event: MessageEvent) => void) => void
}

/** Serves `methods` on the worker's global scope. */
export function serveRpc(port: RpcPort, methods: RpcMethods): void {
  const running = new Map<number, AbortController>()
  port.addEventListener('message', (event: MessageEvent) => {
    const message = event.data as CallMessage | CancelMessage
    if (message.kind === 'cancel') return running.get(message.id)?.abort()
    const method = methods[message.method]
    const controller = new AbortController()
    running.set(message.id, controller)
    const context: RpcContext<unknown> = {
      signal: controller.signal,
      progress: (value) => port.postMessage({ id: message.id, kind: 'progress', value } satisfies ReplyMessage),
    }
    const call = method
      ? method(message.params as never, context as never)
      : Promise.reject(new Error(`unknown method ${message.method}`))
    call
      .then((value) => port.postMessage({ id: message.id, kind: 'result', value } satisfies ReplyMessage))
      .catch((error: unknown) =>
        port.postMessage({
          id: message.id,
          kind: 'error',
          message: error instanceof Error ? error.message : String(error),
          isAbort: controller.signal.aborted,
        } satisfies ReplyMessage),
      )
      .finally(() => running.delete(message.id))
  })
}

/** Thrown by a call that was cancelled through its signal. */
export class RpcAbortError extends Error {
  override name = 'AbortError'
}

export type RpcCallOptions<P> = { signal?: AbortSignal; onProgress?: (value: P) => void }

/** The console side: typed calls to the methods `M` that a worker serves. */
export function createRpcClient<M extends RpcMethods>(worker: Pick<Worker, 'postMessage' | 'addEventListener'>) {
  let nextId = 1
  const pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; onProgress?: (v: unknown) => void }
  >()
  worker.addEventListener('message', (event: MessageEvent) => {
    const reply = event.data as ReplyMessage
    const call = pending.get(reply.id)
    if (!call) return
    if (reply.kind === 'progress') return call.onProgress?.(reply.value)
    pending.delete(reply.id)
    if (reply.kind === 'result') call.resolve(reply.value)
    else call.reject(reply.isAbort ? new RpcAbortError(reply.message) : new Error(reply.message))
  })
  worker.addEventListener('error', (event: Event) => {
    const message = event instanceof ErrorEvent && event.message ? event.message : 'the worker failed'
    for (const call of pending.values()) call.reject(new Error(message))
    pending.clear()
  })

  function call<K extends keyof M & string>(
    method: K,
    params: ParamsOf<M[K]>,
    options: RpcCallOptions<ProgressOf<M[K]>> = {},
  ): Promise<ResultOf<M[K]>> {
    const id = nextId++
    return new Promise((resolve, reject) => {
      pending.set(id, {
        resolve: resolve as (v: unknown) => void,
        reject,
        onProgress: options.onProgress as ((v: unknown) => void) | undefined,
      })
      options.signal?.addEventListener('abort', () =>
        worker.postMessage({ id, kind: 'cancel' } satisfies CancelMessage),
      )
      worker.postMessage({ id, kind: 'call', method, params } satisfies CallMessage)
    })
  }

  return { call }
}
