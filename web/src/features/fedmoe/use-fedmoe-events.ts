// Live FedMoE updates: the server's `expert`, `version`, `evidence` and `deployment` events mark
// the family's queries stale (versions, evidence, gate, arena), the lists and the overview, so
// that pushed evidence and deployments appear without a reload. Bursts are coalesced.
import { useQueryClient } from '@tanstack/vue-query'
import type { QueryKey } from '@tanstack/vue-query'
import { FedmoeEventSchema, fedmoeEventsRoute } from '@tg/contracts'
import type { FedmoeEvent } from '@tg/contracts'
import { onScopeDispose, toValue } from 'vue'
import type { MaybeRefOrGetter } from 'vue'
import { useEventStream } from '@/shared/api'
import { fedmoeKeys } from './queries'

/** How long events are gathered before the queries they touch are refetched. */
export const COALESCE_MS = 150

/** The queries an event makes stale: everything of its family, the lists and the overview. */
export function keysToInvalidate(event: Pick<FedmoeEvent, 'expertId'>): QueryKey[] {
  return [fedmoeKeys.expertLists(), fedmoeKeys.expert(event.expertId), fedmoeKeys.overview()]
}

/** Subscribes while the calling component lives: to one family's events, or to all when `expertId` is unset. */
export function useFedmoeEvents(expertId?: MaybeRefOrGetter<string | undefined>) {
  const queryClient = useQueryClient()
  const pending = new Map<string, QueryKey>()
  let timer: ReturnType<typeof setTimeout> | null = null

  const flush = () => {
    timer = null
    const keys = [...pending.values()]
    pending.clear()
    for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey })
  }
  const schedule = (keys: QueryKey[]) => {
    for (const key of keys) pending.set(JSON.stringify(key), key)
    timer ??= setTimeout(flush, COALESCE_MS)
  }
  onScopeDispose(() => timer && clearTimeout(timer))

  return useEventStream(fedmoeEventsRoute, () => ({ expertId: toValue(expertId) }), {
    events: ['expert', 'version', 'evidence', 'deployment'],
    schema: FedmoeEventSchema,
    onEvent: (event) => schedule(keysToInvalidate(event)),
    // Events sent while the stream was down are lost: refetch everything of FedMoE.
    onReconnected: () => schedule([fedmoeKeys.all]),
  })
}
