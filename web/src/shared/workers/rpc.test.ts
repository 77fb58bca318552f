import { describe, expect, it } from 'vitest'
import { createRpcClient, serveRpc } from './rpc'
import type { RpcContext } from './rpc'

/** Two connected ends, like a Worker and its global scope. */
function channel() {
  const { port1, port2 } = new MessageChannel()
  port1.start()
  port2.start()
  return { worker: port1 as unknown as Worker, scope: port2 }
}

const methods = {
  add: async (params: { a: number; b: number }) => params.a + params.b,
  fail: async () => {
    throw new Error('it broke')
  },
  count: async (params: { to: number }, context: RpcContext<number>) => {
    for (let i = 1; i <= params.to; i++) {
      context.signal.throwIfAborted()
      context.progress(i)
      await new Promise((r) => setTimeout(r, 5))
    }
    return 'done'
  },
}

describe('worker calls', () => {
  it('answers results, errors and progress to the right call', async () => {
    const { worker, scope } = channel()
    serveRpc(scope, methods)
    const rpc = createRpcClient<typeof methods>(worker)
    const seen: number[] = []
    const [sum, counted] = await Promise.all([
      rpc.call('add', { a: 2, b: 3 }),
      rpc.call('count', { to: 3 }, { onProgress: (n) => seen.push(n) }),
    ])
    expect(sum).toBe(5)
    expect(counted).toBe('done')
    expect(seen).toEqual([1, 2, 3])
    await expect(rpc.call('fail', undefined as never)).rejects.toThrow('it broke')
  })

  it('cancels a running call', async () => {
    const { worker, scope } = channel()
    serveRpc(scope, methods)
    const rpc = createRpcClient<typeof methods>(worker)
    const controller = new AbortController()
    const call = rpc.call(
      'count',
      { to: 100 },
      { signal: controller.signal, onProgress: (n) => n === 2 && controller.abort() },
    )
    await expect(call).rejects.toMatchObject({ name: 'AbortError' })
  })
})
