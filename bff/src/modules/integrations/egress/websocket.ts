import { createRequire } from 'node:module'
import net from 'node:net'
import tls from 'node:tls'
import type WebSocket from 'ws'
import type { ClientRequestArgs } from 'node:http'
import { EgressError, egressFailureOf } from './errors'
import { checkTarget, pinnedLookup, systemLookup } from './resolve'
import type { EgressDeps } from './http'

const WS_PROTOCOLS = ['ws:', 'wss:'] as const

/**
 * Opens a websocket to a user-given URL through the guard: checked before any socket, connected
 * to the checked address only, no redirects, messages capped at the policy's byte limit.
 * Resolves when the connection is open.
 */
export async function openEgressWebSocket(rawUrl: string, timeoutMs: number, deps: EgressDeps): Promise<WebSocket> {
  const target = await checkTarget(rawUrl, deps.policy, deps.lookup ?? systemLookup, WS_PROTOCOLS)
  const secure = target.url.protocol === 'wss:'
  const lookup = pinnedLookup(target)
  const createConnection = (options: ClientRequestArgs & tls.ConnectionOptions) => {
    deps.onConnect?.(target)
    const opts = { ...options, lookup, path: undefined } as tls.ConnectionOptions & net.NetConnectOpts
    if (secure) {
      if (!opts.servername && opts.servername !== '') opts.servername = net.isIP(target.host) ? '' : target.host
      return tls.connect(opts)
    }
    return net.connect(opts)
  }
  // ws loads on the first websocket only: a server without a rosbridge connector never carries it (~4 MB).
  const WebSocketClient = createRequire(import.meta.url)('ws') as typeof WebSocket
  const ws = new WebSocketClient(target.url, {
    handshakeTimeout: timeoutMs,
    followRedirects: false,
    maxPayload: deps.policy.maxBytes,
    perMessageDeflate: false,
    lookup: lookup as unknown as ClientRequestArgs['lookup'],
    createConnection: createConnection as unknown as ClientRequestArgs['createConnection'],
  })
  return await new Promise<WebSocket>((resolve, reject) => {
    const fail = (err: EgressError) => {
      ws.removeAllListeners()
      ws.on('error', () => {})
      ws.terminate()
      reject(err)
    }
    ws.once('open', () => {
      ws.removeAllListeners('error')
      ws.removeAllListeners('unexpected-response')
      resolve(ws)
    })
    ws.once('unexpected-response', (_req, res) => {
      fail(
        new EgressError(
          'bad_response',
          `${target.host} answered HTTP ${res.statusCode} instead of a websocket upgrade`,
        ),
      )
    })
    ws.once('error', (err) => {
      fail(
        /handshake/i.test(err.message)
          ? new EgressError('timeout', `${target.host} did not answer in time`)
          : egressFailureOf(err, target.host),
      )
    })
  })
}
