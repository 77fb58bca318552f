// Live marketplace updates: a `release` event (a promotion or a rollback went live) marks the
// release lists and the fleets' pages stale, so that every open console sees it without a reload.
import type { QueryKey } from '@tanstack/vue-query'
import { TgspEventSchema, tgspEventsRoute } from '@tg/contracts'
import type { TgspEvent } from '@tg/contracts'
import { toValue } from 'vue'
import type { MaybeRefOrGetter } from 'vue'
import { useLiveQueries } from '@/shared/api'
import { marketplaceKeys } from './queries'

/** The queries a release event makes stale. */
export function keysToInvalidate(event: TgspEvent): QueryKey[] {
  return [marketplaceKeys.releases.all, marketplaceKeys.fleets.health(event.fleetId)]
}

/** Subscribes while the calling component lives: to one fleet's events, or to all when `fleetId` is unset. */
export function useMarketplaceEvents(fleetId?: MaybeRefOrGetter<string | undefined>) {
  return useLiveQueries(tgspEventsRoute, () => ({ fleetId: toValue(fleetId) }), {
    events: ['release'],
    schema: TgspEventSchema,
    keysFor: keysToInvalidate,
    allKey: marketplaceKeys.all,
  })
}
