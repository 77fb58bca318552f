// The open entry lives in the URL (`/audit?entry=SEQ`, also reached from `/audit/entries/SEQ`), so
// that reloading keeps it open and the link can be shared. An entry beyond the loaded pages is
// fetched on its own, with its proof against the same checkpoint, and verified like the others.
import { useQuery } from '@tanstack/vue-query'
import { getAuditEntryRoute } from '@tg/contracts'
import type { AuditCheckpoint } from '@tg/contracts'
import { computed } from 'vue'
import type { Ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { api } from '@/shared/api'
import { indexOf } from '@/shared/ui/deep-link'
import { rowOf } from './entry-rows'
import type { AuditRow } from './entry-rows'
import { auditKeys } from './queries'

/** The path that opens entry `seq` in the audit view. */
export const auditEntryPath = (seq: number) => `/audit?entry=${seq}`

export function useEntryLink(
  rows: Readonly<Ref<readonly AuditRow[]>>,
  checkpoint: Ref<AuditCheckpoint | null | undefined>,
) {
  const route = useRoute()
  const router = useRouter()
  const openSeq = computed(() => indexOf(route.query, 'entry'))
  const loadedRow = computed(() => rows.value.find((row) => row.seq === openSeq.value) ?? null)
  const treeSize = computed(() => checkpoint.value?.treeSize)
  const single = useQuery(
    computed(() => ({
      queryKey: [...auditKeys.entries(), 'one', openSeq.value, treeSize.value] as const,
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        api.request(getAuditEntryRoute, {
          params: { path: { seq: openSeq.value ?? 0 }, query: { treeSize: treeSize.value } },
          signal,
        }),
      enabled: openSeq.value !== null && loadedRow.value === null && checkpoint.value !== undefined,
      staleTime: Infinity,
    })),
  )
  const fetchedRow = computed(() => (single.data.value ? rowOf(single.data.value.entry) : null))
  const openRow = computed(() => loadedRow.value ?? (fetchedRow.value?.seq === openSeq.value ? fetchedRow.value : null))
  /** The loaded rows, and the linked entry when it is not among them (so that it is verified too). */
  const verifiedRows = computed(() =>
    fetchedRow.value && !loadedRow.value ? [...rows.value, fetchedRow.value] : rows.value,
  )
  return {
    openSeq,
    openRow,
    verifiedRows,
    /** The linked entry could not be loaded (a sequence number past the log's end answers 404). */
    linkError: computed(() => (loadedRow.value ? null : single.error.value)),
    open: (seq: number) => router.push({ query: { ...route.query, entry: String(seq) } }),
    close: () => {
      const { entry: _entry, ...rest } = route.query
      return router.push({ query: rest })
    },
  }
}
