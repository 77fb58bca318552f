import { watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { isApiError } from '@/shared/api'

/** When `error` says the session is gone (401), go to sign-in and come back here afterwards. */
export function useSignInOn401(error: () => unknown): void {
  const router = useRouter()
  const route = useRoute()
  watch(
    error,
    (current) => {
      if (!isApiError(current) || current.code !== 'UNAUTHENTICATED' || route.path === '/sign-in') return
      void router.replace({ path: '/sign-in', query: { redirect: route.fullPath } })
    },
    { immediate: true },
  )
}
