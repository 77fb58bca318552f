import { QueryClient, VueQueryPlugin } from '@tanstack/vue-query'
import { TrainingEventSchema, trainingEventsRoute } from '@tg/contracts'
import type { TrainingEvent } from '@tg/contracts'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp, defineComponent, h, nextTick, ref } from 'vue'
import { ScriptedSource } from '../../test/scripted-event-source'
import { COALESCE_MS, useLiveQueries } from './use-live-queries'

const RUN = '0b3a8f0e-8a5e-4d55-9d0f-3c1f6f7d2a10'
const OTHER = '1c4b9f1f-9b6f-4e66-8e1f-4d2f7f8e3b21'
const ROUND: TrainingEvent = { type: 'round', runId: RUN, index: 3, epsilonSpent: 1.25, state: 'running' }

function mount(
  query = ref<Record<string, string | undefined>>({ runId: RUN }),
  cached: Array<[unknown[], unknown]> = [],
) {
  const sources: ScriptedSource[] = []
  const queryClient = new QueryClient()
  for (const [key, data] of cached) queryClient.setQueryData(key, data)
  const invalidate = vi.spyOn(queryClient, 'invalidateQueries').mockResolvedValue()
  let live!: ReturnType<typeof useLiveQueries>
  const app = createApp(
    defineComponent({
      setup() {
        live = useLiveQueries(trainingEventsRoute, () => query.value, {
          events: ['round', 'run'],
          schema: TrainingEventSchema,
          keysFor: (event) => [['training', 'run', event.runId]],
          allKey: ['training'],
          connect: (url) => {
            const source = new ScriptedSource(url)
            sources.push(source)
            return source
          },
        })
        return () => h('div')
      },
    }),
  )
  app.use(VueQueryPlugin, { queryClient })
  app.mount(document.createElement('div'))
  const invalidated = () => invalidate.mock.calls.map(([filters]) => (filters as { queryKey: unknown }).queryKey)
  return { sources, live, invalidated, invalidate, app, query, queryClient }
}

afterEach(() => vi.useRealTimers())

describe('useLiveQueries', () => {
  it('marks the queries each event touches stale, a burst refetching each query once', () => {
    vi.useFakeTimers()
    const { sources, live, invalidated, app } = mount()
    expect(sources[0]!.url).toBe(`/api/v1/training/events?runId=${RUN}`)
    expect(live.state.value).toBe('connecting')
    sources[0]!.sendJson('ready', {}, '7-1')
    expect(live.state.value).toBe('open')
    sources[0]!.sendJson('round', ROUND, '7-2')
    sources[0]!.sendJson('round', { ...ROUND, index: 4 }, '7-3')
    sources[0]!.sendJson('run', { type: 'run', runId: OTHER, state: 'stopped' }, '8-4')
    expect(invalidated()).toEqual([])
    vi.advanceTimersByTime(COALESCE_MS)
    expect(invalidated()).toEqual([
      ['training', 'run', RUN],
      ['training', 'run', OTHER],
    ])
    app.unmount()
  })

  it('resumes a stream that gave up from the last event id it received, and refetches nothing by itself', () => {
    vi.useFakeTimers()
    const { sources, live, invalidated, app } = mount()
    sources[0]!.sendJson('ready', {}, '7-1')
    sources[0]!.sendJson('round', ROUND, '9-12')
    vi.advanceTimersByTime(COALESCE_MS)
    const before = invalidated().length
    sources[0]!.fail(2)
    expect(live.state.value).toBe('reconnecting')
    vi.advanceTimersByTime(1_000)
    expect(sources[1]!.url).toBe(`/api/v1/training/events?runId=${RUN}&lastEventId=9-12`)
    sources[1]!.sendJson('ready', {}, '9-12')
    expect(live.state.value).toBe('open')
    // The server replays the missed events; the composable does not refetch everything.
    vi.advanceTimersByTime(COALESCE_MS)
    expect(invalidated().length).toBe(before)
    app.unmount()
  })

  it('reads again what the feature cached before a new stream opened, once: not after a resume', () => {
    vi.useFakeTimers()
    const cached: Array<[unknown[], unknown]> = [
      [['training', 'run', RUN], { cached: true }],
      [['audit', 'entries'], { cached: true }],
    ]
    const { sources, invalidated, app, queryClient } = mount(undefined, cached)
    vi.advanceTimersByTime(1)
    // Read while the stream connects (a page's first load): not read twice.
    queryClient.setQueryData(['training', 'run', OTHER], { fresh: true })
    sources[0]!.sendJson('ready', {}, '7-1')
    // Only this feature's query cached before it subscribed; another feature's stays.
    expect(invalidated()).toEqual([['training', 'run', RUN]])
    sources[0]!.fail(2)
    vi.advanceTimersByTime(1_000)
    sources[1]!.sendJson('ready', {}, '7-1')
    vi.advanceTimersByTime(COALESCE_MS)
    expect(invalidated()).toEqual([['training', 'run', RUN]])
    app.unmount()
  })

  it('reads everything again on a reload signal and says so until the next event', () => {
    vi.useFakeTimers()
    const { sources, live, invalidated, app } = mount()
    sources[0]!.sendJson('ready', {}, '20-40')
    sources[0]!.sendJson('reload', { reason: 'too_old' })
    expect(live.state.value).toBe('reloaded')
    vi.advanceTimersByTime(COALESCE_MS)
    expect(invalidated()).toEqual([['training']])
    sources[0]!.sendJson('run', { type: 'run', runId: RUN, state: 'running' }, '21-41')
    expect(live.state.value).toBe('open')
    app.unmount()
  })

  it('reports a reload signal that fails its contract, and closes the stream with its component', async () => {
    const { sources, live, app } = mount()
    sources[0]!.sendJson('ready', {}, '1-1')
    sources[0]!.sendJson('reload', { reason: 'because' })
    expect(live.lastError.value?.code).toBe('CONTRACT_VIOLATION')
    expect(live.state.value).toBe('open')
    app.unmount()
    await nextTick()
    expect(sources[0]!.isClosed).toBe(true)
  })

  it('opens another stream when the query changes', async () => {
    const { sources, query, app } = mount()
    query.value = { runId: OTHER }
    await nextTick()
    expect(sources[0]!.isClosed).toBe(true)
    expect(sources[1]!.url).toBe(`/api/v1/training/events?runId=${OTHER}`)
    app.unmount()
  })
})
