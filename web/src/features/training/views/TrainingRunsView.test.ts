import { flushPromises } from '@vue/test-utils'
import { mountAt } from '@/shared/ui/mount-at.test-helper'
import { afterEach, describe, expect, it, vi } from 'vitest'
import TrainingRunsView from './TrainingRunsView.vue'

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

const run = (n: number) => ({
  id: id(n),
  name: `run-${n}`,
  baseModel: 'llama-3-8b',
  adapter: { method: 'lora', rank: 8, alpha: 16, targetModules: ['q_proj'] },
  plannedRounds: 100,
  stepsPerRound: 1,
  dp: { noiseMultiplier: 1.1, clippingNorm: 1, sampleRate: 0.01, delta: 1e-5, epsilonBudget: 8, datasetSize: null },
  state: 'running',
  stateReason: null,
  warnings: [],
  roundsRecorded: 0,
  lastRoundIndex: null,
  missingRounds: 0,
  epsilonSpent: 0,
  epsilonOrder: null,
  projectedEpsilon: null,
  lastReportAt: null,
  createdAt: '2026-11-30T00:00:00.000Z',
  createdBy: 'otto',
  endedAt: null,
  tags: [],
  note: '',
  producedPackage: null,
})
const page = (ns: number[], nextCursor: string | null) => ({ items: ns.map(run), nextCursor })

class SilentEventSource {
  readyState = 0
  onopen: unknown = null
  onerror: unknown = null
  onmessage: unknown = null
  addEventListener() {}
  removeEventListener() {}
  close() {}
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
const unavailable = () =>
  json(503, { error: { code: 'UPSTREAM_UNAVAILABLE', message: 'The database is not answering.', requestId: 'r-503' } })

/** Answers the runs list with the next scripted response (recording its query), other reads plainly. */
function serve(...runPages: Response[]) {
  const sent: URLSearchParams[] = []
  // The live stream of the view: open, silent.
  vi.stubGlobal('EventSource', SilentEventSource)
  vi.stubGlobal('fetch', async (request: Request) => {
    const url = new URL(request.url)
    if (url.pathname === '/api/v1/training/runs') {
      sent.push(url.searchParams)
      return runPages.shift() ?? unavailable()
    }
    return json(404, { error: { code: 'NOT_FOUND', message: 'not here', requestId: 'r' } })
  })
  return sent
}

const render = (path = '/training') => mountAt(TrainingRunsView, path)

const shownRuns = (wrapper: Awaited<ReturnType<typeof render>>['wrapper']) =>
  [...wrapper.text().matchAll(/run-\d+/g)].map((m) => m[0]).filter((m, i, all) => all.indexOf(m) === i)

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('the runs view pages by cursor', () => {
  it('asks for the first page with the URL filters and sort, then follows nextCursor on "Load more runs"', async () => {
    const sent = serve(json(200, page([1, 2], 'next-1')), json(200, page([3], null)))
    const { wrapper } = await render('/training?q=llama&sort=epsilonSpent&order=asc')
    expect(sent[0]?.get('q')).toBe('llama')
    expect(sent[0]?.get('sort')).toBe('epsilonSpent')
    expect(sent[0]?.get('order')).toBe('asc')
    expect(sent[0]?.has('cursor')).toBe(false)
    expect(sent[0]?.has('page')).toBe(false)
    expect(shownRuns(wrapper)).toEqual(['run-1', 'run-2'])
    expect(wrapper.get('[data-testid="load-more"]').text()).toContain('2 runs shown, more available')

    await wrapper.get('[data-testid="load-more-button"]').trigger('click')
    await flushPromises()
    expect(sent[1]?.get('cursor')).toBe('next-1')
    expect(sent[1]?.get('sort')).toBe('epsilonSpent')
    expect(sent[1]?.get('q')).toBe('llama')
    expect(shownRuns(wrapper)).toEqual(['run-1', 'run-2', 'run-3'])
    expect(wrapper.find('[data-testid="load-more-button"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="load-more"]').text()).toContain('3 runs shown, the whole list')
  })

  it('keeps the loaded runs when the next page fails, says why, and retries with the same cursor', async () => {
    const sent = serve(json(200, page([1], 'next-1')), unavailable(), json(200, page([2], null)))
    const { wrapper } = await render()
    await wrapper.get('[data-testid="load-more-button"]').trigger('click')
    await flushPromises()
    expect(shownRuns(wrapper)).toEqual(['run-1'])
    expect(wrapper.get('[data-testid="load-more-error"]').text()).toContain('r-503')

    await wrapper.get('[data-testid="load-more-button"]').trigger('click')
    await flushPromises()
    expect(sent[2]?.get('cursor')).toBe('next-1')
    expect(shownRuns(wrapper)).toEqual(['run-1', 'run-2'])
    expect(wrapper.find('[data-testid="load-more-error"]').exists()).toBe(false)
  })

  it('shows the error state when the first page fails, and the filtered empty state when nothing matches', async () => {
    serve(unavailable())
    const failed = await render()
    expect(failed.wrapper.text()).toContain('r-503')
    expect(failed.wrapper.find('[data-testid="load-more"]').exists()).toBe(false)
    failed.wrapper.unmount()

    serve(json(200, page([], null)))
    const empty = await render('/training?q=nothing')
    expect(empty.wrapper.text()).toContain('No runs match')
  })
})
