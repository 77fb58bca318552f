import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { uploadPackageRoute } from '@tg/contracts'

/**
 * How long a request other than a package upload may take to arrive whole: Node's former
 * default `requestTimeout`, kept for those routes only (their bodies are small JSON).
 */
export const REQUEST_BODY_TIMEOUT_MS = 300_000

/**
 * Node's `requestTimeout` (300 s by default) would cut a slow but live 2 GiB upload with a bare
 * 408, so it is off: a package upload ends when no byte arrives for TG_UPLOAD_IDLE_TIMEOUT_S
 * instead, and other requests keep a deadline of their own (`limitRequestBodies`). Request line
 * and headers still must arrive within `headersTimeout`.
 */
const SERVER_OPTIONS = { requestTimeout: 0, headersTimeout: 60_000 }

const isUpload = (req: IncomingMessage) =>
  req.method === 'POST' && (req.url ?? '').split('?')[0] === uploadPackageRoute.path

/** A request whose body is not whole after `timeoutMs` gets a bare 408 and its connection closes, as Node's own timeout did. */
function limitRequestBodies(server: Server, timeoutMs: number): void {
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.complete || isUpload(req)) return
    const timer = setTimeout(() => {
      const { socket } = req
      if (req.complete || socket.destroyed) return
      if (res.headersSent) return void socket.destroy()
      socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', () =>
        socket.destroy(),
      )
    }, timeoutMs)
    timer.unref()
    const clear = () => clearTimeout(timer)
    req.once('end', clear)
    res.once('close', clear)
  })
}

/** Serves `fetch` over HTTP/1.1 with the timeouts above; resolves once listening. */
export async function listen(
  fetch: (request: Request, env: unknown) => Response | Promise<Response>,
  {
    hostname,
    port,
    bodyTimeoutMs = REQUEST_BODY_TIMEOUT_MS,
  }: { hostname: string; port: number; bodyTimeoutMs?: number },
): Promise<{ server: Server; port: number }> {
  const server = serve({ fetch, hostname, port, serverOptions: SERVER_OPTIONS }) as Server
  limitRequestBodies(server, bodyTimeoutMs)
  await new Promise<void>((resolve) => server.once('listening', resolve))
  return { server, port: (server.address() as AddressInfo).port }
}
