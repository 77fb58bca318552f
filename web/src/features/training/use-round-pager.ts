// The rounds table's page, kept in the URL (`?rounds=<cursor>`) so that a page can be shared and
// reloaded; the pages seen before it are remembered for "Newer" while the view lives.
import { computed, ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'

export function useRoundPager() {
  const route = useRoute()
  const router = useRouter()
  const cursor = computed(() => (typeof route.query.rounds === 'string' ? route.query.rounds : undefined))
  const seen = ref<Array<string | undefined>>([])

  const go = (next: string | undefined) => router.push({ query: { ...route.query, rounds: next } })

  return {
    cursor,
    /** True on the first page (the newest rounds). */
    isNewest: computed(() => cursor.value === undefined),
    older: (next: string) => {
      seen.value.push(cursor.value)
      return go(next)
    },
    /** Back one page; after a reload, when nothing was seen before, to the newest rounds. */
    newer: () => go(seen.value.pop()),
    newest: () => {
      seen.value = []
      return go(undefined)
    },
  }
}
