import { onScopeDispose, ref, watch } from 'vue'
import type { Ref } from 'vue'
import { isApiError } from '@/shared/api'

/** Seconds between automatic retries while the service is unavailable (the server's own Retry-After is 5 s). */
export const AUTO_RETRY_SECONDS = 5

/**
 * While the service is unavailable (UPSTREAM_UNAVAILABLE: the database or a store is down), the
 * error view retries by itself every AUTO_RETRY_SECONDS, so a page left open recovers when the
 * service does, without a click. Returns the seconds left before the next try (0 when none is
 * planned); each new error starts a new countdown.
 */
export function useAutoRetry(error: () => unknown, retry: () => void): Ref<number> {
  const remaining = ref(0)
  let timer: ReturnType<typeof setInterval> | undefined
  const stop = () => {
    if (timer !== undefined) clearInterval(timer)
    timer = undefined
  }
  watch(
    error,
    (current) => {
      stop()
      remaining.value = 0
      if (!isApiError(current) || current.code !== 'UPSTREAM_UNAVAILABLE') return
      remaining.value = AUTO_RETRY_SECONDS
      timer = setInterval(() => {
        remaining.value -= 1
        if (remaining.value > 0) return
        stop()
        retry()
      }, 1000)
    },
    { immediate: true },
  )
  onScopeDispose(stop)
  return remaining
}
