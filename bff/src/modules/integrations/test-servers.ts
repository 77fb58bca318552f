// Local protocol servers for the integrations tests (and the browser tests): they answer as the
// Hub and Formant status APIs, a rosbridge v2 websocket and a Nucleus HEAD endpoint do.
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'

export type LocalServer = { url: string; port: number; close: () => Promise<void>; requests: IncomingMessage[] }

async function listenHttp(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  port = 0,
): Promise<LocalServer & { server: Server }> {
  const requests: IncomingMessage[] = []
  const server = createServer((req, res) => {
    requests.push(req)
    handler(req, res)
  })
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r))
  const p = (server.address() as AddressInfo).port
  return {
    server,
    port: p,
    url: `http://127.0.0.1:${p}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}

export const HUB_TOKEN = 'hf_readAccessToken0001'
export const FORMANT_API_KEY = 'fmt_adminApiKey_0002'
export const FORMANT_AGENT_TOKEN = 'fmt_agentToken_0003'
export const ROS_TOPICS = ['/rosout', '/parameter_events', '/camera/image_raw', '/cmd_vel', '/tf']

const sendJson = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

/** The Hub's model API: org/public-model (public), org/private-model (needs HUB_TOKEN), org/busy (429); others 404. */
export function startHubServer(port = 0) {
  return listenHttp((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const auth = req.headers.authorization
    if (req.method !== 'GET') return sendJson(res, 405, { error: 'method' })
    if (path === '/api/models/org/public-model')
      return sendJson(res, 200, {
        id: 'org/public-model',
        private: false,
        lastModified: '2026-11-20T08:30:00.000Z',
        siblings: [
          { rfilename: 'config.json', size: 1200 },
          { rfilename: 'model.safetensors', size: 4_000_000 },
        ],
      })
    if (path === '/api/models/org/private-model') {
      if (auth !== `Bearer ${HUB_TOKEN}`)
        return sendJson(res, 401, { error: 'Invalid credentials in Authorization header' })
      return sendJson(res, 200, {
        id: 'org/private-model',
        private: true,
        lastModified: '2026-12-01T10:00:00Z',
        usedStorage: 987654321,
      })
    }
    if (path === '/api/models/org/busy') return sendJson(res, 429, { error: 'rate limited' })
    return sendJson(res, 404, { error: 'Repository not found' })
  }, port)
}

/** Formant's admin status API: 200 for FORMANT_API_KEY or FORMANT_AGENT_TOKEN, 401 otherwise. */
export function startFormantServer(port = 0) {
  return listenHttp((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path !== '/v1/admin/status') return sendJson(res, 404, { message: 'Not Found' })
    const auth = req.headers.authorization
    if (auth === `Bearer ${FORMANT_API_KEY}` || auth === `Bearer ${FORMANT_AGENT_TOKEN}`)
      return sendJson(res, 200, { status: 'ok' })
    return sendJson(res, 401, { message: 'Unauthorized' })
  }, port)
}

/** A Nucleus-like server: HEAD / answers 200, any other path 404. */
export function startHeadServer(port = 0) {
  return listenHttp((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    res.writeHead(path === '/' ? 200 : 404, { 'content-type': 'text/html' })
    res.end(req.method === 'HEAD' ? undefined : 'nucleus')
  }, port)
}

/** A rosbridge v2 server answering call_service /rosapi/topics with ROS_TOPICS. */
export async function startRosbridgeServer(port = 0): Promise<LocalServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port })
  await new Promise<void>((r) => wss.once('listening', () => r()))
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { op?: string; id?: string; service?: string }
      if (msg.op === 'call_service' && msg.service === '/rosapi/topics') {
        // Other traffic first, as a busy bridge sends: the checker must match its id.
        ws.send(JSON.stringify({ op: 'publish', topic: '/rosout', msg: { data: 'hello' } }))
        ws.send(
          JSON.stringify({
            op: 'service_response',
            id: msg.id,
            service: '/rosapi/topics',
            values: { topics: ROS_TOPICS, types: ROS_TOPICS.map(() => 'std_msgs/msg/String') },
            result: true,
          }),
        )
      } else if (msg.op === 'call_service')
        ws.send(
          JSON.stringify({
            op: 'service_response',
            id: msg.id,
            service: msg.service,
            values: 'unknown service',
            result: false,
          }),
        )
    })
  })
  const p = (wss.address() as AddressInfo).port
  return {
    port: p,
    url: `ws://127.0.0.1:${p}`,
    requests: [],
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate()
        wss.close(() => r())
      }),
  }
}
