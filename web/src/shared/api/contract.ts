import { ERROR_STATUS, ErrorEnvelopeSchema } from '@tg/contracts'
import type { paths } from '@tg/contracts/generated'
import type { FetchOptions } from 'openapi-fetch'
import type { z } from 'zod'
import { ApiError } from './api-error'

type JsonContent = { content?: { 'application/json'?: { schema: z.ZodType } } }

/** A route definition exported by @tg/contracts (e.g. `listUsersRoute`). */
export type ContractRoute = {
  method: string
  path: string
  responses: { [status: number]: JsonContent | { description: string } }
}

type SuccessStatus = 200 | 201 | 202 | 204
type SchemaOf<Res> = Res extends { content: { 'application/json': { schema: infer S } } } ? S : undefined

/** What a route answers on success, as parsed by its zod schema (`never` when it has no success). */
export type DataOf<R extends ContractRoute> = {
  [K in Extract<keyof R['responses'], SuccessStatus>]: SchemaOf<R['responses'][K]> extends infer S
    ? S extends z.ZodType
      ? z.output<S>
      : undefined
    : never
}[Extract<keyof R['responses'], SuccessStatus>]

type OperationOf<R extends ContractRoute> = R['path'] extends keyof paths
  ? R['method'] extends keyof paths[R['path']]
    ? paths[R['path']][R['method']]
    : never
  : never

/** Typed request input of a route (path and query parameters, body) from the generated `paths`. */
export type InitOf<R extends ContractRoute> = Pick<FetchOptions<OperationOf<R>>, 'params' | 'body'> & {
  signal?: AbortSignal
}

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T]
/** The init argument: optional when the route needs no parameters and no body. */
export type InitArgs<I> = RequiredKeys<I> extends never ? [init?: I] : [init: I]

const GATEWAY_STATUSES = new Set([502, 503, 504])

/** What `parseResponse` reads of an HTTP response: a fetch `Response`, or an XHR's status and headers. */
export type ResponseMeta = { ok: boolean; status: number; headers: { get(name: string): string | null } }

function contractViolation(route: ContractRoute, requestId: string | null, problem: string, issues?: unknown) {
  return new ApiError({
    status: ERROR_STATUS.CONTRACT_VIOLATION,
    code: 'CONTRACT_VIOLATION',
    message: `The response of ${route.method.toUpperCase()} ${route.path} does not match its contract: ${problem}.`,
    requestId,
    details: issues === undefined ? undefined : { issues },
  })
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}

/**
 * Turns an HTTP response into the route's parsed success data, or throws an ApiError. `body` is
 * the raw text of the response (undefined when it had none).
 */
export function parseResponse<R extends ContractRoute>(
  route: R,
  response: ResponseMeta,
  body: string | undefined,
): DataOf<R> {
  const { status } = response
  const headerRequestId = response.headers.get('X-Request-Id')
  if (response.ok) {
    const spec = route.responses[status]
    if (!spec) throw contractViolation(route, headerRequestId, `undocumented status ${status}`)
    const schema = 'content' in spec ? spec.content?.['application/json']?.schema : undefined
    if (!schema) {
      if (body) throw contractViolation(route, headerRequestId, `status ${status} must have no body`)
      return undefined as DataOf<R>
    }
    const json = body ? parseJson(body) : { ok: false as const }
    if (!json.ok) throw contractViolation(route, headerRequestId, 'the body is not JSON')
    const parsed = schema.safeParse(json.value)
    if (!parsed.success) throw contractViolation(route, headerRequestId, 'schema mismatch', parsed.error.issues)
    return parsed.data as DataOf<R>
  }
  const json = body ? parseJson(body) : { ok: false as const }
  const envelope = json.ok ? ErrorEnvelopeSchema.safeParse(json.value) : null
  if (envelope?.success) {
    const { code, message, requestId, details } = envelope.data.error
    throw new ApiError({ status, code, message, requestId, details })
  }
  if (GATEWAY_STATUSES.has(status))
    throw new ApiError({
      status,
      code: 'UPSTREAM_UNAVAILABLE',
      message: `The server did not answer (HTTP ${status} from a gateway).`,
      requestId: headerRequestId,
    })
  throw contractViolation(route, headerRequestId, `status ${status} without an error envelope`, envelope?.error.issues)
}
