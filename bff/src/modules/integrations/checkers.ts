import type { CheckDetails, CheckReason, ConnectorKind } from '@tg/contracts'
import { EgressError, egressFetch, openEgressWebSocket } from './egress'
import type { EgressDeps, EgressResponse } from './egress'

/** What one check found. `remediation` is shown verbatim by the console. */
export type CheckOutcome = {
  status: 'healthy' | 'degraded' | 'unhealthy'
  reason: CheckReason | null
  message: string
  remediation: string | null
  latencyMs: number | null
  details: CheckDetails | null
}

export type CheckInput = {
  kind: ConnectorKind
  config: Record<string, unknown>
  secrets: Record<string, string>
}

export type CheckerDeps = { egress: EgressDeps; timeoutMs: number }

/** Above this latency a working connection is degraded (slow). */
export const SLOW_MS: Record<ConnectorKind, number> = {
  huggingface: 3000,
  formant: 3000,
  ros2_bridge: 2000,
  isaac_lab: 2000,
}

const trimSlash = (url: string) => url.replace(/\/+$/, '')

const unhealthy = (
  reason: CheckReason,
  message: string,
  remediation: string,
  latencyMs: number | null = null,
): CheckOutcome => ({
  status: 'unhealthy',
  reason,
  message,
  remediation,
  latencyMs,
  details: null,
})

/** A refusal or network failure as a check result, with what to do about it. */
export function outcomeOfError(err: unknown, where: string, timeoutMs: number): CheckOutcome {
  const e = err instanceof EgressError ? err : new EgressError('unreachable', `${where} could not be reached`)
  switch (e.reason) {
    case 'refused_by_guard':
      return unhealthy('refused_by_guard', `The console refused to contact ${where}.`, e.message)
    case 'timeout':
      return unhealthy(
        'timeout',
        `${where} did not answer within ${timeoutMs} ms.`,
        'check that the server is running and reachable from the console server, or raise TG_INTEGRATION_CHECK_TIMEOUT_MS',
      )
    case 'tls':
      return unhealthy(
        'tls',
        e.message,
        "check the server's TLS certificate: it must be valid for this host name and trusted",
      )
    case 'bad_response':
      return unhealthy('bad_response', e.message, 'check that the URL points at the right service')
    default:
      return unhealthy(
        'unreachable',
        e.message,
        'check the address and port, that the server is running, and that the console server can reach it',
      )
  }
}

/** The common HTTP status answers; null when the checker handles the status itself. */
function outcomeOfStatus(
  res: EgressResponse,
  where: string,
  latencyMs: number,
  notFound: string,
  unauthorized: string,
): CheckOutcome | null {
  const s = res.status
  if (s === 401 || s === 403)
    return unhealthy('unauthorized', `${where} answered ${s}: the credentials were refused.`, unauthorized, latencyMs)
  if (s === 404) return unhealthy('not_found', `${where} answered 404.`, notFound, latencyMs)
  if (s === 429)
    return {
      status: 'degraded',
      reason: 'rate_limited',
      message: `${where} answered 429: too many requests.`,
      remediation:
        'the service is limiting requests: lower the check rate (TG_INTEGRATION_CHECK_INTERVAL_S) or use a token with a higher limit',
      latencyMs,
      details: null,
    }
  if (s >= 500)
    return unhealthy(
      'server_error',
      `${where} answered ${s}.`,
      'the service has a problem of its own: retry later or see its status page',
      latencyMs,
    )
  if (s < 200 || s >= 300)
    return unhealthy(
      'bad_response',
      `${where} answered ${s}.`,
      'check that the URL points at the right service',
      latencyMs,
    )
  return null
}

function healthy(kind: ConnectorKind, latencyMs: number, message: string, details: CheckDetails): CheckOutcome {
  if (latencyMs > SLOW_MS[kind])
    return {
      status: 'degraded',
      reason: 'slow',
      message: `${message} (slow: ${latencyMs} ms)`,
      remediation: `answers take more than ${SLOW_MS[kind]} ms: check the network path and the service's load`,
      latencyMs,
      details,
    }
  return { status: 'healthy', reason: null, message, remediation: null, latencyMs, details }
}

const elapsed = (started: number) => Math.round(performance.now() - started)

async function checkHuggingface(input: CheckInput, deps: CheckerDeps): Promise<CheckOutcome> {
  const endpoint = trimSlash(String(input.config.endpoint))
  const modelId = String(input.config.modelId)
  const token = input.secrets.token
  const started = performance.now()
  const url = `${endpoint}/api/models/${modelId.split('/').map(encodeURIComponent).join('/')}`
  let res: EgressResponse
  try {
    res = await egressFetch(
      url,
      {
        timeoutMs: deps.timeoutMs,
        headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      deps.egress,
    )
  } catch (err) {
    return outcomeOfError(err, endpoint, deps.timeoutMs)
  }
  const latency = elapsed(started)
  const failed = outcomeOfStatus(
    res,
    'The Hub',
    latency,
    `no model ${modelId} on ${endpoint}: check the id`,
    token
      ? `the token has no read access to ${modelId}: give it read access, or set another token`
      : 'private model: set a token with read access',
  )
  if (failed) return failed
  let body: { private?: unknown; lastModified?: unknown; usedStorage?: unknown; siblings?: unknown }
  try {
    body = JSON.parse(res.body.toString('utf8')) as typeof body
    if (!body || typeof body !== 'object') throw new Error('not an object')
  } catch {
    return unhealthy(
      'bad_response',
      'The Hub answered 200 without model JSON.',
      'check that the endpoint is a Hugging Face Hub (or a mirror of its API)',
      latency,
    )
  }
  const siblings = Array.isArray(body.siblings) ? (body.siblings as Array<{ size?: unknown }>) : []
  const sizes = siblings
    .map((s) => s?.size)
    .filter((n): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0)
  const sizeBytes =
    typeof body.usedStorage === 'number' && body.usedStorage >= 0
      ? Math.round(body.usedStorage)
      : sizes.length > 0
        ? sizes.reduce((a, b) => a + b, 0)
        : null
  const modified = typeof body.lastModified === 'string' ? new Date(body.lastModified) : null
  const lastModified = modified && !Number.isNaN(modified.getTime()) ? modified.toISOString() : null
  return healthy('huggingface', latency, `Model ${modelId} found.`, {
    kind: 'huggingface',
    modelId,
    sizeBytes,
    lastModified,
    private: body.private === true,
  })
}

async function checkFormant(input: CheckInput, deps: CheckerDeps): Promise<CheckOutcome> {
  const endpoint = trimSlash(String(input.config.endpoint))
  const token = input.secrets.apiKey ?? input.secrets.agentToken
  const which = input.secrets.apiKey ? 'API key' : 'agent token'
  if (!token) return unhealthy('unauthorized', 'No credential is set.', 'set an API key or an agent token')
  const started = performance.now()
  let res: EgressResponse
  try {
    res = await egressFetch(
      `${endpoint}/v1/admin/status`,
      { timeoutMs: deps.timeoutMs, headers: { accept: 'application/json', authorization: `Bearer ${token}` } },
      deps.egress,
    )
  } catch (err) {
    return outcomeOfError(err, endpoint, deps.timeoutMs)
  }
  const latency = elapsed(started)
  const failed = outcomeOfStatus(
    res,
    'Formant',
    latency,
    `no Formant status API at ${endpoint}/v1/admin/status: check the endpoint`,
    `the ${which} was refused: create a new one in Formant and set it here`,
  )
  if (failed) return failed
  return healthy('formant', latency, `Formant answered ${res.status}.`, { kind: 'formant', httpStatus: res.status })
}

async function checkIsaacLab(input: CheckInput, deps: CheckerDeps): Promise<CheckOutcome> {
  const url = String(input.config.url)
  const started = performance.now()
  let res: EgressResponse
  try {
    res = await egressFetch(url, { method: 'HEAD', timeoutMs: deps.timeoutMs }, deps.egress)
  } catch (err) {
    return outcomeOfError(err, new URL(url).host, deps.timeoutMs)
  }
  const latency = elapsed(started)
  const failed = outcomeOfStatus(
    res,
    'The Nucleus server',
    latency,
    `nothing at ${url}: give the Nucleus server's HTTP address (for example http://nucleus.example:8080)`,
    'the server wants credentials for this address: give an address it serves without sign-in',
  )
  if (failed) return failed
  return healthy('isaac_lab', latency, `The server answered ${res.status}.`, {
    kind: 'isaac_lab',
    httpStatus: res.status,
  })
}

const MAX_TOPICS = 200

async function checkRos2Bridge(input: CheckInput, deps: CheckerDeps): Promise<CheckOutcome> {
  const url = String(input.config.url)
  const where = URL.canParse(url) ? new URL(url).host : url
  const started = performance.now()
  const deadline = AbortSignal.timeout(deps.timeoutMs)
  let ws: Awaited<ReturnType<typeof openEgressWebSocket>>
  try {
    ws = await openEgressWebSocket(url, deps.timeoutMs, deps.egress)
  } catch (err) {
    return outcomeOfError(err, where, deps.timeoutMs)
  }
  const id = `tg-check-${crypto.randomUUID()}`
  try {
    const response = await new Promise<{ result?: unknown; values?: unknown }>((resolve, reject) => {
      const onAbort = () => reject(new EgressError('timeout', `${where} did not answer in time`))
      if (deadline.aborted) return onAbort()
      deadline.addEventListener('abort', onAbort, { once: true })
      ws.on('message', (data) => {
        let msg: { op?: unknown; id?: unknown; result?: unknown; values?: unknown }
        try {
          msg = JSON.parse(data.toString()) as typeof msg
        } catch {
          return // other traffic on the bridge
        }
        if (msg?.op === 'service_response' && msg.id === id) resolve(msg)
      })
      ws.on('close', () => reject(new EgressError('bad_response', `${where} closed the connection before answering`)))
      ws.on('error', (err) => reject(new EgressError('bad_response', `${where}: ${err.message}`)))
      ws.send(JSON.stringify({ op: 'call_service', id, service: '/rosapi/topics', args: {} }))
    })
    const latency = elapsed(started)
    const values = response.values as { topics?: unknown } | undefined
    if (response.result === false || !values || !Array.isArray(values.topics))
      return unhealthy(
        'bad_response',
        `The bridge could not call /rosapi/topics${typeof response.values === 'string' ? `: ${response.values.slice(0, 200)}` : ''}.`,
        'start rosapi next to rosbridge (ros2 launch rosbridge_server rosbridge_websocket_launch.xml starts both)',
        latency,
      )
    const topics = values.topics.filter((t): t is string => typeof t === 'string')
    return healthy('ros2_bridge', latency, `${topics.length} topics.`, {
      kind: 'ros2_bridge',
      topicCount: topics.length,
      topics: topics.slice(0, MAX_TOPICS),
    })
  } catch (err) {
    return outcomeOfError(err, where, deps.timeoutMs)
  } finally {
    ws.removeAllListeners()
    ws.on('error', () => {})
    ws.terminate()
  }
}

const CHECKERS: Record<ConnectorKind, (input: CheckInput, deps: CheckerDeps) => Promise<CheckOutcome>> = {
  huggingface: checkHuggingface,
  formant: checkFormant,
  ros2_bridge: checkRos2Bridge,
  isaac_lab: checkIsaacLab,
}

export function runChecker(input: CheckInput, deps: CheckerDeps): Promise<CheckOutcome> {
  return CHECKERS[input.kind](input, deps)
}
