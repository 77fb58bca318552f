import type { IncomingMessage } from 'node:http'

/** The body of an upload, read chunk by chunk with backpressure. */
export interface UploadBody {
  /** The next chunk, null at the end; rejects when the client went away (reset, closed mid-body). */
  read(): Promise<Uint8Array | null>
  /**
   * Stops reading. When the body was not read to its end, the answer tells the client that the
   * connection closes, and the connection then lingers (see `lingerOnClose`).
   */
  release(): void
}

/** How long a connection whose body was refused keeps discarding what the client still sends. */
const LINGER_MS = 2_000

/**
 * Node closes a `Connection: close` socket as soon as the answer is written. With request bytes
 * still unread the kernel then sends a reset, which can destroy the answer before a client that
 * is still sending has read it. Instead (a "lingering close", as Apache and nginx do): send the
 * FIN after the answer, keep reading and discarding for LINGER_MS, then close.
 */
function lingerOnClose(req: IncomingMessage): void {
  const socket = req.socket
  socket.destroySoon = () => {
    if (socket.destroyed) return
    socket.end()
    req.resume()
    setTimeout(() => socket.destroy(), LINGER_MS).unref()
  }
}

/** The Node request itself (no web-stream adapter): `read()` pulls, so TCP applies backpressure. */
export function nodeUploadBody(req: IncomingMessage, setHeader: (name: string, value: string) => void): UploadBody {
  const EVENTS = ['readable', 'end', 'error', 'close'] as const
  let wake: (() => void) | null = null
  const onEvent = () => {
    const resolve = wake
    wake = null
    resolve?.()
  }
  for (const event of EVENTS) req.on(event, onEvent)
  let isReleased = false
  return {
    async read() {
      for (;;) {
        if (isReleased) return null
        if (req.errored) throw req.errored
        const chunk = req.read() as Buffer | null
        if (chunk !== null) return chunk
        if (req.readableEnded) return null
        if (req.destroyed) throw new Error('the client closed the connection before the body ended')
        await new Promise<void>((resolve) => (wake = resolve))
      }
    },
    release() {
      if (isReleased) return
      isReleased = true
      for (const event of EVENTS) req.off(event, onEvent)
      onEvent()
      if (req.readableEnded || req.destroyed) return
      setHeader('Connection', 'close')
      lingerOnClose(req)
    },
  }
}

/** A web stream body (the app driven in-process by tests). */
export function webUploadBody(body: ReadableStream<Uint8Array> | null): UploadBody {
  const reader = body?.getReader() ?? null
  let isDone = reader === null
  return {
    async read() {
      if (!reader || isDone) return null
      const { done, value } = await reader.read()
      if (done) isDone = true
      return done ? null : value
    },
    release() {
      if (!isDone) void reader?.cancel().catch(() => undefined)
    },
  }
}
