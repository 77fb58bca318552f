import { ref, watch } from 'vue'
import type { Ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { linkTokenOf } from './safe-redirect'

/**
 * The one-time token of a setup or reset link, which arrives in the fragment (`#token=...`):
 * kept in memory and taken out of the address bar, so that it is neither in history nor shared.
 */
export function useLinkToken(): Ref<string | null> {
  const route = useRoute()
  const router = useRouter()
  const token = ref<string | null>(null)
  watch(
    () => route.hash,
    (hash) => {
      const fromHash = linkTokenOf(hash)
      if (!fromHash) return
      token.value = fromHash
      void router.replace({ path: route.path, query: route.query, hash: '' })
    },
    { immediate: true },
  )
  return token
}
