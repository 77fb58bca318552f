import { QueryClient, VueQueryPlugin, useQuery } from '@tanstack/vue-query'
import { mount, flushPromises } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { ApiError } from '@/shared/api'
import type { ApiErrorInit } from '@/shared/api/api-error'
import QueryState from './QueryState.vue'
import { AUTO_RETRY_SECONDS } from './use-auto-retry'

type Items = string[]

function queryOf(state: { data?: Items; error?: ApiError | null; isFetching?: boolean }) {
  return {
    data: ref<Items | undefined>(state.data),
    error: ref<unknown>(state.error ?? null),
    isFetching: ref(state.isFetching ?? false),
    refetch: vi.fn(),
  }
}

const apiError = (init: Partial<ApiErrorInit> & Pick<ApiErrorInit, 'status' | 'code'>) =>
  new ApiError({ message: 'Server message.', requestId: 'req-42', ...init })

async function render(query: ReturnType<typeof queryOf>, path = '/admin/users?role=admin') {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/sign-in', component: { render: () => null } },
      { path: '/:any(.*)*', component: { render: () => null } },
    ],
  })
  await router.push(path)
  const Host = defineComponent(
    () => () =>
      h(
        QueryState<Items>,
        { query, isEmpty: (items: Items) => items.length === 0, label: 'users' },
        {
          pending: () => h('p', { class: 'skeleton' }, 'skeleton'),
          empty: () => h('p', { class: 'empty' }, 'No users match'),
          default: ({ data }: { data: Items }) =>
            h(
              'ul',
              data.map((item) => h('li', item)),
            ),
        },
      ),
  )
  const queryClient = new QueryClient()
  const wrapper = mount(Host, {
    global: { plugins: [router, [VueQueryPlugin, { queryClient }]] },
    attachTo: document.body,
  })
  await flushPromises()
  return { wrapper, router, root: () => wrapper.get('[data-testid="query-state"]') }
}

afterEach(() => {
  vi.useRealTimers()
  document.body.innerHTML = ''
})

describe('QueryState order: pending, error, empty, data', () => {
  it('shows the skeleton while the first fetch is pending', async () => {
    const { root } = await render(queryOf({ isFetching: true }))
    expect(root().attributes('data-state')).toBe('loading')
    expect(root().find('.skeleton').exists()).toBe(true)
  })

  it('shows the error when there is no data', async () => {
    const { root } = await render(queryOf({ error: apiError({ status: 503, code: 'UPSTREAM_UNAVAILABLE' }) }))
    expect(root().attributes()).toMatchObject({
      'data-state': 'error',
      'data-error-code': 'UPSTREAM_UNAVAILABLE',
      'data-status': '503',
    })
  })

  it('shows the empty slot for empty data and the default slot for data', async () => {
    expect((await render(queryOf({ data: [] }))).root().attributes('data-state')).toBe('empty')
    const { root } = await render(queryOf({ data: ['alice'] }))
    expect(root().attributes('data-state')).toBe('data')
    expect(root().text()).toContain('alice')
  })

  it('keeps the data during a background refetch', async () => {
    const { root } = await render(queryOf({ data: ['alice'], isFetching: true }))
    expect(root().attributes('data-state')).toBe('data')
    expect(root().text()).toContain('alice')
  })

  it('keeps the data when a refetch fails and shows a banner with the request id and Retry', async () => {
    const query = queryOf({ data: ['alice'], error: apiError({ status: 500, code: 'INTERNAL' }) })
    const { root, wrapper } = await render(query)
    expect(root().attributes('data-state')).toBe('data')
    expect(root().text()).toContain('alice')
    const banner = wrapper.get('[data-testid="refetch-error"]')
    expect(banner.get('[data-testid="request-id"]').text()).toBe('req-42')
    await banner.get('button').trigger('click')
    expect(query.refetch).toHaveBeenCalled()
  })
})

describe('QueryState error views by code', () => {
  it('401 goes to sign-in and back', async () => {
    const { router } = await render(queryOf({ error: apiError({ status: 401, code: 'UNAUTHENTICATED' }) }))
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/sign-in')
    expect(router.currentRoute.value.query.redirect).toBe('/admin/users?role=admin')
  })

  it("403 says you don't have access and which roles would", async () => {
    const error = apiError({ status: 403, code: 'FORBIDDEN', details: { requiredRoles: ['admin'] } })
    const { root } = await render(queryOf({ error }))
    expect(root().text()).toContain("You don't have access")
    expect(root().text()).toContain('Required role: Admin.')
    expect(root().find('button').exists()).toBe(false)
  })

  it('404 and 409 show the server message', async () => {
    expect((await render(queryOf({ error: apiError({ status: 404, code: 'NOT_FOUND' }) }))).root().text()).toContain(
      'Not found',
    )
    const conflict = await render(queryOf({ error: apiError({ status: 409, code: 'CONFLICT' }) }))
    expect(conflict.root().text()).toContain('Server message.')
  })

  it('422 lists the issues', async () => {
    const error = apiError({
      status: 422,
      code: 'VALIDATION_FAILED',
      details: { issues: [{ path: 'cursor', message: 'Bad cursor.' }] },
    })
    expect((await render(queryOf({ error }))).root().text()).toContain('cursor: Bad cursor.')
  })

  it('429 counts down before Retry is allowed', async () => {
    vi.useFakeTimers()
    const error = apiError({ status: 429, code: 'RATE_LIMITED', details: { retryAfterSeconds: 3 } })
    const { root } = await render(queryOf({ error }))
    expect(root().text()).toContain('Too many attempts')
    expect(root().get('[data-testid="retry-countdown"]').text()).toContain('3 s')
    expect(root().get('button').attributes('disabled')).toBeDefined()
    vi.advanceTimersByTime(3000)
    await flushPromises()
    expect(root().get('[data-testid="retry-countdown"]').text()).toContain('try again now')
    expect(root().get('button').attributes('disabled')).toBeUndefined()
  })

  it('501 shows the remediation and no Retry', async () => {
    const error = apiError({
      status: 501,
      code: 'NOT_SUPPORTED',
      details: { remediation: 'Upgrade to a release with it.' },
    })
    const { root } = await render(queryOf({ error }))
    expect(root().text()).toContain('Not available in this build')
    expect(root().text()).toContain('Upgrade to a release with it.')
    expect(root().find('button').exists()).toBe(false)
  })

  it('502 CONTRACT_VIOLATION says unexpected response with the request id', async () => {
    const { root } = await render(queryOf({ error: apiError({ status: 502, code: 'CONTRACT_VIOLATION' }) }))
    expect(root().text()).toContain('unexpected response')
    expect(root().get('[data-testid="request-id"]').text()).toBe('req-42')
  })

  it('500 and 503 show the request id and a Retry that refetches', async () => {
    const internal = queryOf({ error: apiError({ status: 500, code: 'INTERNAL' }) })
    const { root } = await render(internal)
    expect(root().get('[data-testid="request-id"]').text()).toBe('req-42')
    await root().get('button').trigger('click')
    expect(internal.refetch).toHaveBeenCalled()
    const down = await render(
      queryOf({ error: apiError({ status: 503, code: 'UPSTREAM_UNAVAILABLE', requestId: null }) }),
    )
    expect(down.root().text()).toContain('Service unavailable')
    expect(down.root().text()).toContain('No request id')
    expect(down.root().get('button').text()).toBe('Retry')
  })
})

describe('QueryState Retry after an outage', () => {
  it('retries every query that failed because the service was unavailable', async () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/', component: { render: () => null } }],
    })
    let isDown = true
    const answer = (name: string) => async () => {
      if (isDown) throw apiError({ status: 503, code: 'UPSTREAM_UNAVAILABLE' })
      return [name]
    }
    const Host = defineComponent(() => {
      const first = useQuery({ queryKey: ['first'], queryFn: answer('first') })
      const second = useQuery({ queryKey: ['second'], queryFn: answer('second') })
      return () =>
        h('div', [
          h(
            QueryState<Items>,
            { query: first, class: 'first' },
            { default: ({ data }: { data: Items }) => data.join() },
          ),
          h(
            QueryState<Items>,
            { query: second, class: 'second' },
            { default: ({ data }: { data: Items }) => data.join() },
          ),
        ])
    })
    const wrapper = mount(Host, { global: { plugins: [router, [VueQueryPlugin, { queryClient }]] } })
    await flushPromises()
    expect(wrapper.findAll('[data-state="error"]')).toHaveLength(2)
    isDown = false
    await wrapper.get('.first button').trigger('click')
    await flushPromises()
    expect(wrapper.findAll('[data-state="error"]')).toHaveLength(0)
    expect(wrapper.text()).toContain('first')
    expect(wrapper.text()).toContain('second')
  })

  it('tries again by itself every few seconds while the service is unavailable, and recovers without a click', async () => {
    vi.useFakeTimers()
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/', component: { render: () => null } }],
    })
    let isDown = true
    let calls = 0
    const Host = defineComponent(() => {
      const query = useQuery({
        queryKey: ['auto'],
        queryFn: async () => {
          calls++
          if (isDown) throw apiError({ status: 503, code: 'UPSTREAM_UNAVAILABLE' })
          return ['back']
        },
      })
      return () => h(QueryState<Items>, { query }, { default: ({ data }: { data: Items }) => data.join() })
    })
    const wrapper = mount(Host, { global: { plugins: [router, [VueQueryPlugin, { queryClient }]] } })
    await flushPromises()
    expect(wrapper.get('[data-state="error"]').get('[data-testid="auto-retry"]').text()).toContain(
      `${AUTO_RETRY_SECONDS} s`,
    )
    await vi.advanceTimersByTimeAsync(AUTO_RETRY_SECONDS * 1000)
    await flushPromises()
    expect(calls).toBe(2)
    expect(wrapper.find('[data-state="error"]').exists()).toBe(true)
    isDown = false
    await vi.advanceTimersByTimeAsync(AUTO_RETRY_SECONDS * 1000)
    await flushPromises()
    expect(calls).toBe(3)
    expect(wrapper.find('[data-state="error"]').exists()).toBe(false)
    expect(wrapper.text()).toContain('back')
  })

  it('does not retry by itself after other errors', async () => {
    vi.useFakeTimers()
    const query = queryOf({ error: apiError({ status: 500, code: 'INTERNAL' }) })
    const { root } = await render(query)
    expect(root().find('[data-testid="auto-retry"]').exists()).toBe(false)
    await vi.advanceTimersByTimeAsync(AUTO_RETRY_SECONDS * 3000)
    expect(query.refetch).not.toHaveBeenCalled()
  })
})
