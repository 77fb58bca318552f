// "Check now": the server queues the check (202) and runs it off the request path. Until its
// result is on the connector, the connector is polled (the event stream usually brings it first).
import { useQueryClient } from '@tanstack/vue-query'
import type { Connector } from '@tg/contracts'
import { onScopeDispose, reactive, watch } from 'vue'
import { useNotice } from '@/shared/ui/notice'
import { integrationsKeys, useCheckConnectorMutation } from './queries'

export const CHECK_POLL_MS = 1000
/** After this long without a result the console stops waiting (the check may still come). */
export const CHECK_WAIT_MS = 60_000

/** True when the connector's last check is the one requested at `requestedAt` or a later one. */
export function isCheckSettled(
  lastCheck: Pick<NonNullable<Connector['lastCheck']>, 'checkedAt'> | null,
  requestedAt: string,
) {
  return lastCheck !== null && Date.parse(lastCheck.checkedAt) >= Date.parse(requestedAt)
}

/** `connectors` are those the view shows; each answer to a poll is compared with the queued check. */
export function useCheckNow(connectors: () => readonly Connector[]) {
  const queryClient = useQueryClient()
  const notice = useNotice()
  const mutation = useCheckConnectorMutation()
  const waiting = reactive(new Map<string, { requestedAt: string; startedAt: number }>())
  let timer: ReturnType<typeof setInterval> | null = null

  const refresh = (id: string) => {
    void queryClient.invalidateQueries({ queryKey: integrationsKeys.connectors.detail(id) })
    void queryClient.invalidateQueries({ queryKey: integrationsKeys.connectors.list() })
  }
  const stopTimer = () => {
    if (timer) clearInterval(timer)
    timer = null
  }
  const poll = () => {
    for (const [id, job] of waiting) {
      if (Date.now() - job.startedAt < CHECK_WAIT_MS) refresh(id)
      else {
        waiting.delete(id)
        notice.warning('The check has no result yet; it appears here when it finishes.')
      }
    }
    if (waiting.size === 0) stopTimer()
  }

  watch(connectors, (list) => {
    for (const connector of list) {
      const job = waiting.get(connector.id)
      if (!job || !isCheckSettled(connector.lastCheck, job.requestedAt)) continue
      waiting.delete(connector.id)
      void queryClient.invalidateQueries({ queryKey: integrationsKeys.connectors.checks(connector.id) })
    }
    if (waiting.size === 0) stopTimer()
  })
  onScopeDispose(stopTimer)

  function check(connector: Connector) {
    mutation.mutate(connector.id, {
      onSuccess: (job) => {
        waiting.set(connector.id, { requestedAt: job.requestedAt, startedAt: Date.now() })
        timer ??= setInterval(poll, CHECK_POLL_MS)
      },
      onError: () => notice.error(`The check of ${connector.name} could not be queued.`),
    })
  }

  return {
    check,
    isChecking: (id: string) => waiting.has(id) || (mutation.isPending.value && mutation.variables.value === id),
    error: mutation.error,
  }
}
