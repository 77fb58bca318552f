import { onScopeDispose, ref, watch } from 'vue'
import type { Ref } from 'vue'
import { retryAfterSecondsOf } from '@/shared/api'

/**
 * Seconds left before a RATE_LIMITED request may be retried: starts from
 * details.retryAfterSeconds whenever a new error arrives and counts down to 0 once a second.
 */
export function useRetryCountdown(error: () => unknown): Ref<number> {
  const remaining = ref(0)
  let deadline = 0
  let timer: ReturnType<typeof setInterval> | undefined

  const stop = () => {
    if (timer !== undefined) clearInterval(timer)
    timer = undefined
  }
  const tick = () => {
    remaining.value = Math.max(0, Math.ceil((deadline - Date.now()) / 1000))
    if (remaining.value === 0) stop()
  }

  watch(
    error,
    (current) => {
      stop()
      const seconds = retryAfterSecondsOf(current)
      deadline = Date.now() + (seconds ?? 0) * 1000
      remaining.value = seconds ?? 0
      if (remaining.value > 0) timer = setInterval(tick, 1000)
    },
    { immediate: true },
  )
  onScopeDispose(stop)
  return remaining
}
