import { QueryClient, VueQueryPlugin } from '@tanstack/vue-query'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp, defineComponent, h } from 'vue'
import { ScriptedSource } from '../../test/scripted-event-source'
import { fedmoeKeys } from './queries'
import { COALESCE_MS, keysToInvalidate, useFedmoeEvents } from './use-fedmoe-events'

const EXPERT = '0b3a8f0e-8a5e-4d55-9d0f-3c1f6f7d2a10'
const VERSION = '1c4b9f1f-9b6f-4e66-8e1f-4d2f7f8e3b21'

afterEach(() => vi.useRealTimers())

describe('fedmoe events', () => {
  it('mark everything of the family, the lists and the overview stale', () => {
    expect(keysToInvalidate({ expertId: EXPERT })).toEqual([
      fedmoeKeys.expertLists(),
      fedmoeKeys.expert(EXPERT),
      fedmoeKeys.overview(),
    ])
  })

  it('the family key is a prefix of its versions, evidence, arena and traces', () => {
    const family = fedmoeKeys.expert(EXPERT)
    for (const key of [
      fedmoeKeys.expertDetail(EXPERT),
      fedmoeKeys.version(EXPERT, VERSION),
      fedmoeKeys.evidenceList(EXPERT, VERSION, undefined, undefined),
      fedmoeKeys.arena(EXPERT, { versions: [VERSION], benchmark: 'b' }),
      fedmoeKeys.arenaTraces(EXPERT, { versions: [VERSION], benchmark: 'b', filter: 'all', failuresBelow: 0.5 }),
      fedmoeKeys.history(EXPERT, 'b', 'm'),
    ])
      expect(key.slice(0, family.length)).toEqual([...family])
  })

  it('subscribe to the family and refetch what a burst of events touched, once', () => {
    vi.useFakeTimers()
    vi.stubGlobal('EventSource', ScriptedSource)
    const queryClient = new QueryClient()
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries').mockResolvedValue()
    const app = createApp(
      defineComponent({
        setup() {
          useFedmoeEvents(EXPERT)
          return () => h('div')
        },
      }),
    )
    app.use(VueQueryPlugin, { queryClient })
    app.mount(document.createElement('div'))

    const source = ScriptedSource.last as ScriptedSource
    expect(source.url).toBe(`/api/v1/fedmoe/events?expertId=${EXPERT}`)
    source.sendJson('evidence', { type: 'evidence', expertId: EXPERT, versionId: VERSION, evidenceId: VERSION })
    source.sendJson('version', { type: 'version', expertId: EXPERT, versionId: VERSION, status: 'validated' })
    expect(invalidate).not.toHaveBeenCalled()
    vi.advanceTimersByTime(COALESCE_MS)
    expect(invalidate.mock.calls.map(([filters]) => (filters as { queryKey?: unknown } | undefined)?.queryKey)).toEqual(
      [fedmoeKeys.expertLists(), fedmoeKeys.expert(EXPERT), fedmoeKeys.overview()],
    )
    app.unmount()
    vi.unstubAllGlobals()
  })
})
