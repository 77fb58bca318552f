// Live FedMoE updates: the server's `expert`, `version`, `evidence` and `deployment` events mark
// the family's queries stale (versions, evidence, gate, arena), the lists and the overview, so
// that pushed evidence and deployments appear without a reload. Bursts are coalesced.
import type { QueryKey } from '@tanstack/vue-query'
import { FedmoeEventSchema, fedmoeEventsRoute } from '@tg/contracts'
import type { FedmoeEvent } from '@tg/contracts'
import { toValue } from 'vue'
import type { MaybeRefOrGetter } from 'vue'
import { useLiveQueries } from '@/shared/api'
import { fedmoeKeys } from './queries'

export { COALESCE_MS } from '@/shared/api'

/** The queries an event makes stale: everything of its family, the lists and the overview. */
export function keysToInvalidate(event: Pick<FedmoeEvent, 'expertId'>): QueryKey[] {
  return [fedmoeKeys.expertLists(), fedmoeKeys.expert(event.expertId), fedmoeKeys.overview()]
}

/** Subscribes while the calling component lives: to one family's events, or to all when `expertId` is unset. */
export function useFedmoeEvents(expertId?: MaybeRefOrGetter<string | undefined>) {
  return useLiveQueries(fedmoeEventsRoute, () => ({ expertId: toValue(expertId) }), {
    events: ['expert', 'version', 'evidence', 'deployment'],
    schema: FedmoeEventSchema,
    keysFor: keysToInvalidate,
    allKey: fedmoeKeys.all,
  })
}
