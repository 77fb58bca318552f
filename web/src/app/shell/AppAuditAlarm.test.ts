import { QueryClient, VueQueryPlugin } from '@tanstack/vue-query'
import type { AuditIntegrity, Role } from '@tg/contracts'
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { auditKeys } from '@/features/audit/queries'
import { SESSION_QUERY_KEY } from '@/shared/session/session-query'
import AppAuditAlarm from './AppAuditAlarm.vue'

const FAILED: AuditIntegrity = {
  status: 'failed',
  finding: {
    kind: 'missing',
    seq: 309,
    message: 'Entry 309 is missing: audit_log holds 310 of the 316 entries of the tree (6 missing).',
    detectedAt: '2026-05-01T10:00:00.000Z',
  },
  checkedAt: '2026-05-01T10:01:00.000Z',
  checkedTreeSize: 316,
}

/** The alarm as a signed-in user with `roles` sees it, the server's state already loaded. */
async function render(roles: Role[], integrity: AuditIntegrity) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:any(.*)*', component: { render: () => null } }],
  })
  await router.push('/training')
  const queryClient = new QueryClient()
  queryClient.setQueryData(SESSION_QUERY_KEY, { user: { roles } })
  queryClient.setQueryData(auditKeys.integrity(), integrity)
  const wrapper = mount(AppAuditAlarm, { global: { plugins: [router, [VueQueryPlugin, { queryClient }]] } })
  await flushPromises()
  return wrapper
}

afterEach(() => {
  document.body.innerHTML = ''
})

describe('the console-wide audit alarm', () => {
  it('names the finding on any page, with a way to the audit log for those who may read it', async () => {
    const auditor = await render(['auditor'], FAILED)
    const alarm = auditor.get('[data-testid="audit-alarm"]')
    expect(alarm.attributes()).toMatchObject({ 'data-kind': 'missing', 'data-seq': '309', role: 'alert' })
    expect(alarm.text()).toContain("The audit log failed the server's own check")
    expect(alarm.text()).toContain('Entry 309 is missing')
    expect(alarm.find('a').text()).toBe('Open the audit log')

    const viewer = await render(['viewer'], FAILED)
    expect(viewer.get('[data-testid="audit-alarm"]').text()).toContain('Tell an auditor or an administrator.')
    expect(viewer.find('a').exists()).toBe(false)
  })

  it('is absent while the log checks clean', async () => {
    const clean = await render(['admin'], { ...FAILED, status: 'ok', finding: null })
    expect(clean.find('[data-testid="audit-alarm"]').exists()).toBe(false)
  })
})
