// Local protocol servers for the integrations tests, on 127.0.0.1 only: they answer as the Hugging
// Face Hub and Formant status APIs do (401 and 404 included), as a rosbridge v2 websocket does for
// /rosapi/topics, and as a server that answers HEAD; and a webhook receiver that verifies each
// delivery's Standard Webhooks signature with the specification's own library.
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'
import { WebSocketServer } from 'ws'

export type LocalServer = { url: string; host: string; stop: () => Promise<void> }

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `127.0.0.1:${(server.address() as AddressInfo).port}`
}

function stopper(server: Server) {
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
}

async function httpServer(handler: Handler): Promise<LocalServer> {
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => handler(req, res, body))
  })
  const host = await listen(server)
  return { url: `http://${host}`, host, stop: stopper(server) }
}

function json(res: ServerResponse, status: number, value: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(value))
}

export const HUB_MODEL = {
  id: 'acme/support-bot',
  lastModified: '2026-11-30T08:15:00.000Z',
  /** 3 files: 1 KiB, 2 MiB and 512 B. */
  siblings: [
    { rfilename: 'config.json', size: 1024 },
    { rfilename: 'model.safetensors', size: 2 * 1024 * 1024 },
    { rfilename: 'README.md', size: 512 },
  ],
}

/** The Hub's model API: one public model, one private (401 without the right token), 404 otherwise. */
export function startHub(token: string): Promise<LocalServer> {
  return httpServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://hub').pathname
    if (req.method !== 'GET') return json(res, 405, { error: 'method' })
    if (path === `/api/models/${HUB_MODEL.id}`)
      return json(res, 200, { ...HUB_MODEL, modelId: HUB_MODEL.id, private: false })
    if (path === '/api/models/acme/private-bot') {
      if (req.headers.authorization !== `Bearer ${token}`) return json(res, 401, { error: 'Invalid credentials' })
      return json(res, 200, { id: 'acme/private-bot', private: true, siblings: [] })
    }
    return json(res, 404, { error: 'Repository not found' })
  })
}

/** Formant's admin status: 200 with the right bearer token, 401 otherwise, 404 for other paths. */
export function startFormant(token: string): Promise<LocalServer> {
  return httpServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://formant').pathname
    if (path !== '/v1/admin/status') return json(res, 404, { message: 'Not found' })
    if (req.headers.authorization !== `Bearer ${token}`) return json(res, 401, { message: 'Unauthorized' })
    return json(res, 200, { status: 'ok' })
  })
}

/** A Nucleus-like server that answers HEAD (and GET) with 200. */
export function startHeadServer(): Promise<LocalServer> {
  return httpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' })
    res.end()
  })
}

export const ROS_TOPICS = ['/rosout', '/cmd_vel', '/odom', '/tf']

/** A rosbridge v2 server: answers `call_service` of /rosapi/topics with a `service_response` of the same id. */
export async function startRosbridge(): Promise<LocalServer> {
  const server = createServer()
  const wss = new WebSocketServer({ server })
  wss.on('connection', (socket) =>
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { op?: string; service?: string; id?: string }
      if (message.op !== 'call_service' || message.service !== '/rosapi/topics') return
      socket.send(
        JSON.stringify({
          op: 'service_response',
          service: '/rosapi/topics',
          id: message.id,
          values: { topics: ROS_TOPICS, types: ROS_TOPICS.map(() => 'std_msgs/String') },
          result: true,
        }),
      )
    }),
  )
  const host = await listen(server)
  const stopHttp = stopper(server)
  return {
    url: `ws://${host}`,
    host,
    stop: async () => {
      for (const client of wss.clients) client.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      await stopHttp()
    },
  }
}

export type ReceivedDelivery = { webhookId: string; type: string; eventId: string; body: string }

export type WebhookReceiver = LocalServer & {
  /** The subscription's secret, from the console's "shown once" dialog. */
  setSecret: (secret: string) => void
  /** Deliveries whose signature verified, in arrival order. */
  received: ReceivedDelivery[]
  /** Attempts refused: a bad signature, or the first attempt of each message (to prove retries). */
  refused: Array<{ webhookId: string; reason: string }>
}

/**
 * Verifies each delivery with `standardwebhooks` (webhook-id, webhook-timestamp, webhook-signature).
 * It answers 503 to the first attempt of each webhook-id, so that every delivery needs a retry.
 */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  let verifier: Webhook | null = null
  const seen = new Set<string>()
  const received: ReceivedDelivery[] = []
  const refused: WebhookReceiver['refused'] = []
  const server = await httpServer((req, res, body) => {
    const webhookId = String(req.headers['webhook-id'] ?? '')
    if (!verifier) {
      refused.push({ webhookId, reason: 'no secret yet' })
      return json(res, 503, { error: 'not ready' })
    }
    let payload: { id: string; type: string }
    try {
      payload = verifier.verify(body, {
        'webhook-id': webhookId,
        'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
      }) as { id: string; type: string }
    } catch (err) {
      refused.push({ webhookId, reason: `signature: ${(err as Error).message}` })
      return json(res, 400, { error: 'bad signature' })
    }
    if (!seen.has(webhookId)) {
      seen.add(webhookId)
      refused.push({ webhookId, reason: 'first attempt' })
      return json(res, 503, { error: 'busy, try again' })
    }
    received.push({ webhookId, type: payload.type, eventId: payload.id, body })
    return json(res, 200, { ok: true })
  })
  return { ...server, setSecret: (secret) => (verifier = new Webhook(secret)), received, refused }
}
