import { flushPromises } from '@vue/test-utils'
import { mountAt } from '@/shared/ui/mount-at.test-helper'
import { afterEach, describe, expect, it, vi } from 'vitest'
import MarketplacePackagesView from './MarketplacePackagesView.vue'

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

const pkg = (n: number) => ({
  id: id(n),
  packageId: `com.example.m${n}`,
  modelName: `model-${n}`,
  modelVersion: '1.0.0',
  status: 'verified',
  publisher: { id: id(900), name: 'Acme ML' },
  baseModels: ['llama-3-8b'],
  sizeBytes: 1000,
  uploadedAt: '2026-11-30T00:00:00.000Z',
  uploadedBy: 'pat',
  verifiedAt: '2026-11-30T00:00:00.000Z',
  liveOn: [],
  labels: [],
  downloads: 0,
})
const page = (ns: number[], nextCursor: string | null) => ({
  items: ns.map(pkg),
  nextCursor,
  facets: { baseModels: ['llama-3-8b'] },
})

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
const unavailable = () =>
  json(503, { error: { code: 'UPSTREAM_UNAVAILABLE', message: 'The database is not answering.', requestId: 'r-503' } })

/** Answers the packages list with the next scripted response (recording its query), other reads plainly. */
function serve(...packagePages: Response[]) {
  const sent: URLSearchParams[] = []
  vi.stubGlobal('fetch', async (request: Request) => {
    const url = new URL(request.url)
    if (url.pathname === '/api/v1/tgsp/packages') {
      sent.push(url.searchParams)
      return packagePages.shift() ?? unavailable()
    }
    if (url.pathname === '/api/v1/tgsp/publishers') return json(200, { items: [] })
    return json(404, { error: { code: 'NOT_FOUND', message: 'not here', requestId: 'r' } })
  })
  return sent
}

const render = (path = '/marketplace') => mountAt(MarketplacePackagesView, path)

const shownModels = (wrapper: Awaited<ReturnType<typeof render>>['wrapper']) =>
  [...wrapper.text().matchAll(/model-\d+/g)].map((m) => m[0]).filter((m, i, all) => all.indexOf(m) === i)

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('the packages view pages by cursor', () => {
  it('asks for the first page with the URL filters and sort, then follows nextCursor on "Load more packages"', async () => {
    const sent = serve(json(200, page([1, 2], 'next-1')), json(200, page([3], null)))
    const { wrapper } = await render('/marketplace?q=llama&sort=modelName&order=asc')
    expect(sent[0]?.get('q')).toBe('llama')
    expect(sent[0]?.get('sort')).toBe('modelName')
    expect(sent[0]?.get('order')).toBe('asc')
    expect(sent[0]?.has('cursor')).toBe(false)
    expect(sent[0]?.has('page')).toBe(false)
    expect(shownModels(wrapper)).toEqual(['model-1', 'model-2'])
    expect(wrapper.get('[data-testid="load-more"]').text()).toContain('2 packages shown, more available')

    await wrapper.get('[data-testid="load-more-button"]').trigger('click')
    await flushPromises()
    expect(sent[1]?.get('cursor')).toBe('next-1')
    expect(sent[1]?.get('sort')).toBe('modelName')
    expect(sent[1]?.get('q')).toBe('llama')
    expect(shownModels(wrapper)).toEqual(['model-1', 'model-2', 'model-3'])
    expect(wrapper.find('[data-testid="load-more-button"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="load-more"]').text()).toContain('3 packages shown, the whole list')
  })

  it('keeps the loaded packages when the next page fails, says why, and retries with the same cursor', async () => {
    const sent = serve(json(200, page([1], 'next-1')), unavailable(), json(200, page([2], null)))
    const { wrapper } = await render()
    await wrapper.get('[data-testid="load-more-button"]').trigger('click')
    await flushPromises()
    expect(shownModels(wrapper)).toEqual(['model-1'])
    expect(wrapper.get('[data-testid="load-more-error"]').text()).toContain('r-503')

    await wrapper.get('[data-testid="load-more-button"]').trigger('click')
    await flushPromises()
    expect(sent[2]?.get('cursor')).toBe('next-1')
    expect(shownModels(wrapper)).toEqual(['model-1', 'model-2'])
    expect(wrapper.find('[data-testid="load-more-error"]').exists()).toBe(false)
  })

  it('shows the error state when the first page fails, and the filtered empty state when nothing matches', async () => {
    serve(unavailable())
    const failed = await render()
    expect(failed.wrapper.text()).toContain('r-503')
    expect(failed.wrapper.find('[data-testid="load-more"]').exists()).toBe(false)
    failed.wrapper.unmount()

    serve(json(200, page([], null)))
    const empty = await render('/marketplace?q=nothing')
    expect(empty.wrapper.text()).toContain('No packages match')
  })
})
