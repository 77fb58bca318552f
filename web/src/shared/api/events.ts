// Server-sent events from the API: a typed subscription over EventSource (same origin, so the
// session cookie rides along). Every event's data is parsed with the contract's zod schema; data
// that fails it is reported as CONTRACT_VIOLATION and never delivered.
import { ERROR_STATUS, LIVE_RELOAD_EVENT, LiveReloadSchema } from '@tg/contracts'
import type { LiveReload } from '@tg/contracts'
import type { z } from 'zod'
import { ApiError } from './api-error'

/**
 * `connecting` until the stream first opens, `open` while it is, `reconnecting` after it dropped
 * (EventSource retries by itself and sends the last event id as `Last-Event-ID`; when it gives
 * up, for example on an error status, this helper starts a new one after a growing delay with
 * `lastEventId` in the query), so the server replays every event missed meanwhile.
 */
export type EventStreamState = 'connecting' | 'open' | 'reconnecting'

/** A live view's state: a stream's, or `reloaded` after the server could not replay what was missed. */
export type LiveState = EventStreamState | 'reloaded'

/** What the helper uses of an EventSource (the browser's, or a scripted one in tests). */
export type EventSourceLike = {
  readonly readyState: number
  onopen: ((event: Event) => void) | null
  onerror: ((event: Event) => void) | null
  addEventListener: (type: string, listener: (event: MessageEvent<string>) => void) => void
  close: () => void
}

/** A route of @tg/contracts that answers with an event stream. */
export type EventStreamRoute = { method: string; path: string }

export type EventStreamOptions<S extends z.ZodType> = {
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | undefined>
  /** Names of the events whose data is `schema` (other named events are ignored). */
  events: readonly string[]
  schema: S
  onEvent: (data: z.output<S>, name: string) => void
  onState?: (state: EventStreamState) => void
  /** An event whose data failed its schema (CONTRACT_VIOLATION). */
  onError?: (error: ApiError) => void
  /**
   * The server could not replay the events missed (older than it keeps): what the console shows
   * must be read again. The stream goes on with live events.
   */
  onReload?: (reload: LiveReload) => void
  /** Makes the EventSource; the browser's by default. */
  connect?: (url: string) => EventSourceLike
  /** Delays before a new EventSource after one gave up, in ms; the last one repeats. */
  retryDelays?: readonly number[]
}

const CLOSED = 2
const DEFAULT_RETRY_DELAYS = [1_000, 2_000, 5_000, 10_000, 30_000] as const
/** Sent by the server once it listens, before any other event. */
const READY_EVENT = 'ready'

/** The URL of an event stream route with its query (same origin, relative). */
export function eventStreamUrl(route: EventStreamRoute, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, value)
  const search = params.toString()
  return search ? `${route.path}?${search}` : route.path
}

export type ParsedEvent<T> = { ok: true; data: T } | { ok: false; error: ApiError }

/** Parses one event's raw data with its schema; JSON or schema failures are CONTRACT_VIOLATION. */
export function parseEventData<S extends z.ZodType>(
  route: EventStreamRoute,
  name: string,
  schema: S,
  raw: string,
): ParsedEvent<z.output<S>> {
  const violation = (problem: string, issues?: unknown) => ({
    ok: false as const,
    error: new ApiError({
      status: ERROR_STATUS.CONTRACT_VIOLATION,
      code: 'CONTRACT_VIOLATION',
      message: `The event "${name}" of ${route.method.toUpperCase()} ${route.path} does not match its contract: ${problem}.`,
      requestId: null,
      details: issues === undefined ? undefined : { issues },
    }),
  })
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    return violation('the data is not JSON')
  }
  const parsed = schema.safeParse(json)
  return parsed.success ? { ok: true, data: parsed.data } : violation('schema mismatch', parsed.error.issues)
}

/** Subscribes to an event stream route; returns the way to unsubscribe (which closes it). */
export function subscribeEvents<S extends z.ZodType>(route: EventStreamRoute, options: EventStreamOptions<S>) {
  const url = eventStreamUrl(route, options.query)
  // Same origin: the session cookie is sent without `withCredentials`.
  const connect = options.connect ?? ((href: string) => new EventSource(href))
  const delays = options.retryDelays ?? DEFAULT_RETRY_DELAYS
  let source: EventSourceLike | null = null
  let timer: ReturnType<typeof setTimeout> | null = null
  let failures = 0
  let isClosed = false
  let state: EventStreamState | null = null
  /** The id of the last event received (`ready` carries one too): where a new EventSource resumes. */
  let lastEventId: string | undefined
  const remember = (event: MessageEvent<string>) => {
    if (event.lastEventId) lastEventId = event.lastEventId
  }

  const setState = (next: EventStreamState) => {
    if (next === state) return
    state = next
    options.onState?.(next)
  }

  const onOpen = () => {
    failures = 0
    setState('open')
  }

  function open() {
    if (isClosed) return
    const current = connect(lastEventId === undefined ? url : eventStreamUrl(route, { ...options.query, lastEventId }))
    source = current
    current.onopen = onOpen
    current.onerror = () => {
      if (isClosed || source !== current) return
      setState('reconnecting')
      // EventSource retries a dropped connection itself; after an error status it gives up.
      if (current.readyState !== CLOSED) return
      current.close()
      const delay = delays[Math.min(failures, delays.length - 1)] ?? 30_000
      failures += 1
      timer = setTimeout(open, delay)
    }
    current.addEventListener(READY_EVENT, (event) => {
      remember(event)
      onOpen()
    })
    current.addEventListener(LIVE_RELOAD_EVENT, (event) => {
      if (isClosed || source !== current) return
      const parsed = parseEventData(route, LIVE_RELOAD_EVENT, LiveReloadSchema, event.data)
      if (parsed.ok) options.onReload?.(parsed.data)
      else options.onError?.(parsed.error)
    })
    for (const name of options.events)
      current.addEventListener(name, (event) => {
        if (isClosed || source !== current) return
        remember(event)
        const parsed = parseEventData(route, name, options.schema, event.data)
        if (parsed.ok) options.onEvent(parsed.data, name)
        else options.onError?.(parsed.error)
      })
  }

  setState('connecting')
  open()
  return () => {
    isClosed = true
    if (timer) clearTimeout(timer)
    source?.close()
    source = null
  }
}
