// A cursor-paged list's page, kept in the URL (`?<key>=<cursor>`) so that a page can be shared and
// reloaded; the pages seen before it are remembered for "Newer" while the view lives.
import { computed, ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'

export function useCursorPager(key: string) {
  const route = useRoute()
  const router = useRouter()
  const cursor = computed(() => {
    const value = route.query[key]
    return typeof value === 'string' && value.length <= 200 ? value : undefined
  })
  const seen = ref<Array<string | undefined>>([])
  const go = (next: string | undefined) => router.push({ query: { ...route.query, [key]: next } })

  return {
    cursor,
    isNewest: computed(() => cursor.value === undefined),
    older: (next: string) => {
      seen.value.push(cursor.value)
      return go(next)
    },
    newer: () => go(seen.value.pop()),
    newest: () => {
      seen.value = []
      return go(undefined)
    },
  }
}
