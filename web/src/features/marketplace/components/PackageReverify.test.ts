import { QueryClient, VueQueryPlugin } from '@tanstack/vue-query'
import type { Role } from '@tg/contracts'
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { SESSION_QUERY_KEY } from '@/shared/session/session-query'
import { packageDetailBody } from '@/shared/api/package-detail.fixture'
import { formatDateTime } from '@/shared/ui/format'
import PackageReverify from './PackageReverify.vue'

const PKG_ID = '3f0c6f5e-2b1a-4c8d-9e7f-0a1b2c3d4e5f'
const UPLOADED_AT = '2026-11-23T12:00:00.000Z'

async function render(roles: Role[]) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:any(.*)*', component: { render: () => null } }],
  })
  await router.push('/marketplace')
  const queryClient = new QueryClient({ defaultOptions: { mutations: { retry: false } } })
  queryClient.setQueryData(SESSION_QUERY_KEY, { user: { roles } })
  const wrapper = mount(PackageReverify, {
    props: { pkg: { id: PKG_ID, status: 'verified', verifiedAt: UPLOADED_AT } },
    global: { plugins: [router, [VueQueryPlugin, { queryClient }]] },
  })
  await flushPromises()
  return wrapper
}

/** The server's answer to the re-verification, and the requests the button sent. */
function answer(status: number, body: unknown) {
  const sent: Request[] = []
  let release: () => void = () => {}
  const held = new Promise<void>((resolve) => (release = resolve))
  vi.stubGlobal('fetch', async (request: Request) => {
    sent.push(request)
    await held
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
  })
  return { sent, release }
}

const detailOf = (verifiedAt: string) => packageDetailBody({ id: PKG_ID, verifiedAt })

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('the Re-verify button', () => {
  it('is not offered to a viewer, who still sees when the package was last verified', async () => {
    const wrapper = await render(['viewer'])
    expect(wrapper.find('[data-testid="package-reverify-button"]').exists()).toBe(false)
    const shown = wrapper.get('[data-testid="package-verified-at"]')
    expect(shown.text()).toContain(`Last verified ${formatDateTime(UPLOADED_AT)}`)
    expect(shown.get('time').attributes('datetime')).toBe(UPLOADED_AT)
  })

  it('shows the time of the re-verification the server answers, beside the button', async () => {
    const verifiedAt = '2026-12-01T09:30:00.000Z'
    const server = answer(200, detailOf(verifiedAt))
    const wrapper = await render(['publisher'])
    await wrapper.get('[data-testid="package-reverify-button"]').trigger('click')
    server.release()
    await vi.waitFor(() => expect(wrapper.find('[data-testid="package-reverify-result"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="package-verified-at"] time').attributes('datetime')).toBe(verifiedAt)
    expect(wrapper.get('[data-testid="package-verified-at"]').text()).toContain(formatDateTime(verifiedAt))
  })

  it('posts to the package, shows that it is checking, then a 503 with its message', async () => {
    const server = answer(503, {
      error: {
        code: 'UPSTREAM_UNAVAILABLE',
        message:
          'The package store cannot be read now: the package store\u2019s disk reported an input/output error. Retry later.',
        requestId: 'req-503',
      },
    })
    const wrapper = await render(['publisher'])
    await wrapper.get('[data-testid="package-reverify-button"]').trigger('click')
    await flushPromises()
    expect(server.sent[0]?.method).toBe('POST')
    expect(new URL(server.sent[0]!.url).pathname).toBe(`/api/v1/tgsp/packages/${PKG_ID}/verify`)
    expect(wrapper.text()).toContain('Checking the stored file again')
    expect(wrapper.get('[data-testid="package-reverify-button"]').attributes('disabled')).toBeDefined()

    server.release()
    await flushPromises()
    await vi.waitFor(() => expect(wrapper.find('[data-testid="package-reverify-error"]').exists()).toBe(true))
    expect(wrapper.text()).toContain('input/output error')
    expect(wrapper.text()).not.toContain('Checking the stored file again')
    expect(wrapper.find('[data-testid="package-reverify-result"]').exists()).toBe(false)
  })
})
