import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { randomUUID } from 'node:crypto'
import type { AddressInfo, Socket } from 'node:net'
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

/** A request whose body is not whole after `timeoutMs` gets 408 REQUEST_TIMEOUT and its connection closes, as Node's own timeout did. */
function limitRequestBodies(server: Server, timeoutMs: number): void {
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.complete || isUpload(req)) return
    const timer = setTimeout(() => {
      const { socket } = req
      if (req.complete || socket.destroyed) return
      if (res.headersSent) return void socket.destroy()
      const answer = rawErrorResponse(
        408,
        'Request Timeout',
        'REQUEST_TIMEOUT',
        `The request body did not arrive whole within ${Math.round(timeoutMs / 1000)} s.`,
      )
      socket.end(answer, () => socket.destroy())
    }, timeoutMs)
    timer.unref()
    const clear = () => clearTimeout(timer)
    req.once('end', clear)
    res.once('close', clear)
  })
}

/** A raw HTTP/1.1 answer carrying the error envelope, for failures Node meets before the app runs. */
export function rawErrorResponse(status: number, reason: string, code: string, message: string): string {
  const body = JSON.stringify({ error: { code, message, requestId: randomUUID() } })
  return (
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n` +
    `Connection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  )
}

/**
 * Requests Node's parser refuses (bytes past a body's Content-Length, a malformed request line
 * or header) get the error envelope instead of Node's bare 400 with no body; the connection
 * closes, since what follows on it cannot be trusted to start a request.
 */
function answerParserErrors(server: Server): void {
  server.on('clientError', (error: Error & { code?: string }, socket: Socket) => {
    if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy()
    const message =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? 'The request headers are too large.'
        : 'The request is not valid HTTP/1.1 (for example, more bytes than its Content-Length announced).'
    socket.end(rawErrorResponse(400, 'Bad Request', 'BAD_REQUEST', message), () => socket.destroy())
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
  answerParserErrors(server)
  await new Promise<void>((resolve) => server.once('listening', resolve))
  return { server, port: (server.address() as AddressInfo).port }
}
