import { QueryClient, VueQueryPlugin } from '@tanstack/vue-query'
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import PackageReleaseList from './PackageReleaseList.vue'

const PKG = '3f0c6f5e-2b1a-4c8d-9e7f-0a1b2c3d4e5f'
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

const release = (n: number) => ({
  id: id(n),
  fleet: { id: id(900), name: 'edge' },
  channel: `ch-${n}`,
  package: { id: PKG, packageId: '0123456789abcdef', modelName: 'm', modelVersion: '1.0.0', status: 'verified' },
  kind: 'promotion',
  rollbackOf: null,
  notes: '',
  createdBy: 'rita',
  createdAt: `2026-11-${String(30 - n).padStart(2, '0')}T00:00:00.000Z`,
  isActive: false,
  supersededAt: '2026-12-01T00:00:00.000Z',
})

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

/** Answers each request with the next scripted response and records the query each one sent. */
function serve(...responses: Response[]) {
  const sent: URLSearchParams[] = []
  vi.stubGlobal('fetch', async (request: Request) => {
    sent.push(new URL(request.url).searchParams)
    return responses.shift() ?? json(500, { error: { code: 'INTERNAL', message: 'unexpected', requestId: 'r' } })
  })
  return sent
}

async function render() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:any(.*)*', component: { render: () => null } }],
  })
  await router.push('/marketplace/packages/x')
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  const wrapper = mount(PackageReleaseList, {
    props: { packageId: PKG },
    global: { plugins: [router, [VueQueryPlugin, { queryClient }]] },
  })
  await flushPromises()
  return wrapper
}

const shownChannels = (wrapper: Awaited<ReturnType<typeof render>>) =>
  wrapper.findAll('[data-testid="package-releases"] li').map((li) => li.text().match(/ch-\d+/)?.[0])

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('a package\u2019s releases', () => {
  it('asks for this package\u2019s releases and follows nextCursor on "Load older releases"', async () => {
    const sent = serve(
      json(200, { items: [release(1), release(2)], hasMore: true, nextCursor: 'next-1' }),
      json(200, { items: [release(3)], hasMore: false, nextCursor: null }),
    )
    const wrapper = await render()
    expect(sent[0]?.get('packageId')).toBe(PKG)
    expect(sent[0]?.has('cursor')).toBe(false)
    expect(shownChannels(wrapper)).toEqual(['ch-1', 'ch-2'])

    await wrapper.get('[data-testid="load-more-button"]').trigger('click')
    await flushPromises()
    expect(sent[1]?.get('cursor')).toBe('next-1')
    expect(sent[1]?.get('packageId')).toBe(PKG)
    expect(shownChannels(wrapper)).toEqual(['ch-1', 'ch-2', 'ch-3'])
    expect(wrapper.find('[data-testid="load-more-button"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="load-more"]').text()).toContain('3 releases shown, the oldest included')
  })

  it('keeps the loaded releases when the next page fails, says why, and retries with the same cursor', async () => {
    const sent = serve(
      json(200, { items: [release(1)], hasMore: true, nextCursor: 'next-1' }),
      json(503, {
        error: { code: 'UPSTREAM_UNAVAILABLE', message: 'The database is not answering.', requestId: 'r-503' },
      }),
      json(200, { items: [release(2)], hasMore: false, nextCursor: null }),
    )
    const wrapper = await render()
    await wrapper.get('[data-testid="load-more-button"]').trigger('click')
    await flushPromises()
    expect(shownChannels(wrapper)).toEqual(['ch-1'])
    expect(wrapper.get('[data-testid="load-more-error"]').text()).toContain('r-503')
    expect(wrapper.find('[data-testid="refetch-error"]').exists()).toBe(false)

    await wrapper.get('[data-testid="load-more-button"]').trigger('click')
    await flushPromises()
    expect(sent[2]?.get('cursor')).toBe('next-1')
    expect(shownChannels(wrapper)).toEqual(['ch-1', 'ch-2'])
    expect(wrapper.find('[data-testid="load-more-error"]').exists()).toBe(false)
  })

  it('says when the package was never released', async () => {
    serve(json(200, { items: [], hasMore: false, nextCursor: null }))
    const wrapper = await render()
    expect(wrapper.get('[data-testid="package-releases"]').text()).toBe('Not released yet.')
  })
})
