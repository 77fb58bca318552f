import { QueryClient, VueQueryPlugin } from '@tanstack/vue-query'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp, defineComponent, h } from 'vue'
import { ScriptedSource } from '../../test/scripted-event-source'
import { trainingKeys } from './queries'
import { COALESCE_MS, keysToInvalidate, useTrainingEvents } from './use-training-events'

const RUN = '0b3a8f0e-8a5e-4d55-9d0f-3c1f6f7d2a10'

afterEach(() => vi.useRealTimers())

describe('training events', () => {
  it('mark the run, its rounds and the run lists stale on a round; the run and lists on a run event', () => {
    expect(keysToInvalidate({ type: 'round', runId: RUN, index: 1, epsilonSpent: 0.5, state: 'running' })).toEqual([
      trainingKeys.runLists(),
      trainingKeys.run(RUN),
      trainingKeys.rounds(RUN),
    ])
    expect(keysToInvalidate({ type: 'run', runId: RUN, state: 'stopped' })).toEqual([
      trainingKeys.runLists(),
      trainingKeys.run(RUN),
    ])
  })

  it('subscribe to the run and refetch what a burst of events touched, once', async () => {
    vi.useFakeTimers()
    vi.stubGlobal('EventSource', ScriptedSource)
    const queryClient = new QueryClient()
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries').mockResolvedValue()
    const app = createApp(
      defineComponent({
        setup() {
          useTrainingEvents(RUN)
          return () => h('div')
        },
      }),
    )
    app.use(VueQueryPlugin, { queryClient })
    app.mount(document.createElement('div'))

    const source = ScriptedSource.last!
    expect(source.url).toBe(`/api/v1/training/events?runId=${RUN}`)
    source.sendJson('round', { type: 'round', runId: RUN, index: 0, epsilonSpent: 0.2, state: 'running' })
    source.sendJson('round', { type: 'round', runId: RUN, index: 1, epsilonSpent: 0.3, state: 'running' })
    expect(invalidate).not.toHaveBeenCalled()
    vi.advanceTimersByTime(COALESCE_MS)
    expect(invalidate.mock.calls.map(([filters]) => (filters as { queryKey?: unknown } | undefined)?.queryKey)).toEqual(
      [trainingKeys.runLists(), trainingKeys.run(RUN), trainingKeys.rounds(RUN)],
    )
    app.unmount()
    vi.unstubAllGlobals()
  })
})
