// Streamed NDJSON responses (one JSON value per line), read as they arrive: for answers too
// large to hold as one JSON document (the audit log's leaves). An error status is parsed like any
// other response (the error envelope, as an ApiError); a line that is not JSON or not of the
// expected shape is a CONTRACT_VIOLATION, never skipped.
import { ERROR_STATUS } from '@tg/contracts'
import { ApiError, unreachableError } from './api-error'
import { parseResponse } from './contract'
import type { ContractRoute } from './contract'

export type NdjsonRoute = ContractRoute & { path: string }

export type NdjsonOptions<T> = {
  /** Query parameters. */
  query?: Record<string, string | number>
  signal?: AbortSignal
  /** The media type the route declares for its stream. */
  mediaType: string
  /** The shape every line must have. */
  isItem: (value: unknown) => value is T
  /** Receives the lines parsed from each piece of the body, in order. */
  onItems: (items: T[]) => void
  fetch?: (request: Request) => Promise<Response>
  baseUrl?: string
}

function violation(route: NdjsonRoute, response: Response, problem: string): ApiError {
  return new ApiError({
    status: ERROR_STATUS.CONTRACT_VIOLATION,
    code: 'CONTRACT_VIOLATION',
    message: `The response of ${route.method.toUpperCase()} ${route.path} does not match its contract: ${problem}.`,
    requestId: response.headers.get('X-Request-Id'),
  })
}

const isAbort = (error: unknown) => error instanceof DOMException && error.name === 'AbortError'

/** Reads the NDJSON answer of a GET `route`; resolves once the whole body was read. */
export async function readNdjson<T>(route: NdjsonRoute, options: NdjsonOptions<T>): Promise<void> {
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(options.query ?? {})) search.set(name, String(value))
  const url = `${options.baseUrl ?? ''}${route.path}${search.size > 0 ? `?${search}` : ''}`
  const request = new Request(url, { method: 'GET', credentials: 'same-origin', signal: options.signal })
  let response: Response
  try {
    response = await (options.fetch ?? ((r: Request) => fetch(r)))(request)
  } catch (error) {
    if (isAbort(error)) throw error
    throw unreachableError()
  }
  if (!response.ok) parseResponse(route, response, await response.text())
  const type = response.headers.get('Content-Type')?.split(';')[0]?.trim()
  if (type !== options.mediaType) throw violation(route, response, `not ${options.mediaType}`)
  if (!response.body) return // no body: no lines
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
  let rest = ''
  for (;;) {
    let chunk: ReadableStreamReadResult<string>
    try {
      chunk = await reader.read()
    } catch (error) {
      if (isAbort(error) || options.signal?.aborted) throw error
      throw unreachableError()
    }
    if (chunk.done) break
    const text = rest + chunk.value
    const last = text.lastIndexOf('\n')
    if (last < 0) {
      rest = text
      continue
    }
    rest = text.slice(last + 1)
    const items: T[] = []
    for (let at = 0; at < last;) {
      const end = text.indexOf('\n', at)
      items.push(parseLine(route, response, text.slice(at, end), options.isItem))
      at = end + 1
    }
    options.onItems(items)
  }
  if (rest !== '') throw violation(route, response, 'the last line is cut off')
}

function parseLine<T>(route: NdjsonRoute, response: Response, line: string, isItem: (v: unknown) => v is T): T {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    throw violation(route, response, 'a line is not JSON')
  }
  if (!isItem(value)) throw violation(route, response, 'a line has not the declared shape')
  return value
}
