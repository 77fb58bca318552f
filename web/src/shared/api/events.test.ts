import { TrainingEventSchema, trainingEventsRoute } from '@tg/contracts'
import type { TrainingEvent } from '@tg/contracts'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ApiError } from './api-error'
import { eventStreamUrl, parseEventData, subscribeEvents } from './events'
import type { EventStreamState } from './events'
import { scriptedSources } from '../../test/scripted-event-source'

const RUN = '0b3a8f0e-8a5e-4d55-9d0f-3c1f6f7d2a10'
const ROUND: TrainingEvent = { type: 'round', runId: RUN, index: 3, epsilonSpent: 1.25, state: 'running' }

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
    const { sources, connect } = scriptedSources()
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
    const { sources, connect } = scriptedSources()
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
    const { sources, connect } = scriptedSources()
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
    const { sources, connect } = scriptedSources()
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
