import { TrainingEventSchema, trainingEventsRoute } from '@tg/contracts'
import type { TrainingEvent } from '@tg/contracts'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ApiError } from './api-error'
import { eventStreamUrl, parseEventData, subscribeEvents } from './events'
import type { EventSourceLike, EventStreamState } from './events'

const RUN = '0b3a8f0e-8a5e-4d55-9d0f-3c1f6f7d2a10'
const ROUND: TrainingEvent = { type: 'round', runId: RUN, index: 3, epsilonSpent: 1.25, state: 'running' }

/** An EventSource that the test drives: open, send named events, fail. */
class ScriptedSource implements EventSourceLike {
  readyState = 0
  onopen: ((event: Event) => void) | null = null
  onerror: ((event: Event) => void) | null = null
  isClosed = false
  readonly listeners = new Map<string, Array<(event: MessageEvent<string>) => void>>()
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener])
  }
  close() {
    this.isClosed = true
    this.readyState = 2
  }
  open() {
    this.readyState = 1
    this.onopen?.(new Event('open'))
  }
  send(type: string, data: string) {
    for (const listener of this.listeners.get(type) ?? []) listener(new MessageEvent(type, { data }))
  }
  fail(readyState: 0 | 2) {
    this.readyState = readyState
    this.onerror?.(new Event('error'))
  }
}

function scripted() {
  const sources: ScriptedSource[] = []
  const connect = (url: string) => {
    const source = new ScriptedSource(url)
    sources.push(source)
    return source
  }
  return { sources, connect }
}

afterEach(() => vi.useRealTimers())

describe('parseEventData', () => {
  it('delivers data that matches the schema', () => {
    const parsed = parseEventData(trainingEventsRoute, 'round', TrainingEventSchema, JSON.stringify(ROUND))
    expect(parsed).toEqual({ ok: true, data: ROUND })
  })

  it('reports data that fails its schema as CONTRACT_VIOLATION, with the issues', () => {
    const parsed = parseEventData(
      trainingEventsRoute,
      'round',
      TrainingEventSchema,
      JSON.stringify({ ...ROUND, state: 'exploded' }),
    )
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.error).toMatchObject({ status: 502, code: 'CONTRACT_VIOLATION', requestId: null })
    expect(parsed.error.message).toContain('GET /api/v1/training/events')
    expect(parsed.error.details?.issues).toBeInstanceOf(Array)
  })

  it('reports data that is not JSON as CONTRACT_VIOLATION', () => {
    const parsed = parseEventData(trainingEventsRoute, 'run', TrainingEventSchema, 'not json')
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.error.message).toContain('not JSON')
  })
})

describe('subscribeEvents', () => {
  it('opens the route with its query and leaves unset values out', () => {
    expect(eventStreamUrl(trainingEventsRoute, { runId: RUN })).toBe(`/api/v1/training/events?runId=${RUN}`)
    expect(eventStreamUrl(trainingEventsRoute, { runId: undefined })).toBe('/api/v1/training/events')
  })

  it('delivers valid events, never invalid ones, and reports the invalid ones', () => {
    const { sources, connect } = scripted()
    const received: TrainingEvent[] = []
    const errors: ApiError[] = []
    subscribeEvents(trainingEventsRoute, {
      events: ['round', 'run'],
      schema: TrainingEventSchema,
      connect,
      onEvent: (event) => received.push(event),
      onError: (error) => errors.push(error),
    })
    const source = sources[0]!
    source.open()
    source.send('ready', '{}')
    source.send('round', JSON.stringify(ROUND))
    source.send('run', JSON.stringify({ type: 'run', runId: 'not-a-uuid', state: 'stopped' }))
    source.send('other', JSON.stringify(ROUND))
    expect(received).toEqual([ROUND])
    expect(errors.map((e) => e.code)).toEqual(['CONTRACT_VIOLATION'])
  })

  it('reports connecting, open, reconnecting while EventSource retries, and open again', () => {
    const { sources, connect } = scripted()
    const states: EventStreamState[] = []
    subscribeEvents(trainingEventsRoute, {
      events: ['round'],
      schema: TrainingEventSchema,
      connect,
      onEvent: () => undefined,
      onState: (state) => states.push(state),
    })
    const source = sources[0]!
    source.open()
    source.fail(0)
    source.open()
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open'])
    expect(sources).toHaveLength(1)
  })

  it('starts a new EventSource after one gave up, after a delay', () => {
    vi.useFakeTimers()
    const { sources, connect } = scripted()
    subscribeEvents(trainingEventsRoute, {
      events: ['round'],
      schema: TrainingEventSchema,
      connect,
      onEvent: () => undefined,
      retryDelays: [500],
    })
    sources[0]!.fail(2)
    expect(sources[0]!.isClosed).toBe(true)
    vi.advanceTimersByTime(499)
    expect(sources).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(sources).toHaveLength(2)
  })

  it('closes on unsubscribe and delivers nothing after it', () => {
    vi.useFakeTimers()
    const { sources, connect } = scripted()
    const received: unknown[] = []
    const unsubscribe = subscribeEvents(trainingEventsRoute, {
      events: ['round'],
      schema: TrainingEventSchema,
      connect,
      onEvent: (event) => received.push(event),
    })
    sources[0]!.fail(2)
    unsubscribe()
    vi.runAllTimers()
    sources[0]!.send('round', JSON.stringify(ROUND))
    expect(sources).toHaveLength(1)
    expect(received).toEqual([])
  })
})
