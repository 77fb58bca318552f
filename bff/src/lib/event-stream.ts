import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import type { AppEnv } from './context'
import type { StreamLimiter } from './stream-limit'

const HEARTBEAT_MS = 15_000

/**
 * A server-sent event stream of a module's live events, the way `training.events` streams them:
 * the principal's stream slot is taken first (429 past the limit), the subscription is made
 * before answering (a LISTEN failure is an error response, not a dead stream), a `ready` event
 * opens it, a comment line every 15 s keeps proxies open, and it ends with the client or the server.
 */
export async function streamEvents<E extends { type: string }>(
  c: Context<AppEnv>,
  options: {
    streams: StreamLimiter
    closed: AbortSignal
    subscribe: (onEvent: (event: E) => void) => Promise<() => void>
  },
): Promise<Response> {
  const { streams, closed } = options
  const release = streams.acquire(c.var.principal)
  const queue: E[] = []
  let wake: (() => void) | null = null
  const unsubscribe = await options
    .subscribe((event) => {
      queue.push(event)
      wake?.()
    })
    .catch((err: unknown) => {
      release()
      throw err
    })
  c.header('Cache-Control', 'no-store')
  c.header('X-Accel-Buffering', 'no')
  return streamSSE(c, async (stream) => {
    let isOpen = true
    const end = () => {
      isOpen = false
      release()
      wake?.()
    }
    stream.onAbort(end)
    if (stream.aborted) end()
    closed.addEventListener('abort', end, { once: true })
    if (closed.aborted) end()
    try {
      await stream.writeSSE({ event: 'ready', data: '{}' })
      while (isOpen) {
        const event = queue.shift()
        if (event) {
          await stream.writeSSE({ event: event.type, data: JSON.stringify(event) })
          continue
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, HEARTBEAT_MS)
          wake = () => {
            clearTimeout(timer)
            resolve()
          }
        })
        wake = null
        if (isOpen && queue.length === 0) await stream.write(': keep-alive\n\n')
      }
    } finally {
      closed.removeEventListener('abort', end)
      unsubscribe()
      release()
    }
  })
}
