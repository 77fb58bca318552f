import { QueryClient, VueQueryPlugin } from '@tanstack/vue-query'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp, defineComponent, h } from 'vue'
import { fedmoeKeys } from './queries'
import { COALESCE_MS, keysToInvalidate, useFedmoeEvents } from './use-fedmoe-events'

const EXPERT = '0b3a8f0e-8a5e-4d55-9d0f-3c1f6f7d2a10'
const VERSION = '1c4b9f1f-9b6f-4e66-8e1f-4d2f7f8e3b21'

/** The EventSource the composable opens, driven by the test. */
class ScriptedSource {
  static last: ScriptedSource | null = null
  readyState = 1
  onopen: (() => void) | null = null
  onerror: (() => void) | null = null
  listeners = new Map<string, (event: MessageEvent<string>) => void>()
  constructor(readonly url: string) {
    ScriptedSource.last = this
  }
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.set(type, listener)
  }
  close() {}
  send(type: string, data: unknown) {
    this.listeners.get(type)?.(new MessageEvent(type, { data: JSON.stringify(data) }))
  }
}

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
    source.send('evidence', { type: 'evidence', expertId: EXPERT, versionId: VERSION, evidenceId: VERSION })
    source.send('version', { type: 'version', expertId: EXPERT, versionId: VERSION, status: 'validated' })
    expect(invalidate).not.toHaveBeenCalled()
    vi.advanceTimersByTime(COALESCE_MS)
    expect(invalidate.mock.calls.map(([filters]) => (filters as { queryKey?: unknown } | undefined)?.queryKey)).toEqual(
      [fedmoeKeys.expertLists(), fedmoeKeys.expert(EXPERT), fedmoeKeys.overview()],
    )
    app.unmount()
    vi.unstubAllGlobals()
  })
})
