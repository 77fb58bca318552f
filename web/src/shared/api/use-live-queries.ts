// Live updates for a feature, the one way every feature does it: the server's events mark the
// queries they touch stale (bursts coalesced into one refetch per query), a stream that drops is
// resumed from its last event id (the server replays what was missed), and when the server
// cannot replay (the console was away longer than it keeps events) everything of the feature is
// read again and the state says so (`reloaded`) until the next event. A new subscription starts at
// the moment its stream opens, so data cached before it subscribed (an earlier visit, shown again
// on Back) can lack what changed in between: it is read again when the stream first opens.
import { useQueryClient } from '@tanstack/vue-query'
import type { QueryKey } from '@tanstack/vue-query'
import { onScopeDispose, readonly, ref, toValue, watch } from 'vue'
import type { MaybeRefOrGetter } from 'vue'
import type { z } from 'zod'
import type { ApiError } from './api-error'
import { subscribeEvents } from './events'
import type { EventSourceLike, EventStreamRoute, LiveState } from './events'

/** How long events are gathered before the queries they touch are refetched. */
export const COALESCE_MS = 150

export type LiveQueriesOptions<S extends z.ZodType> = {
  /** Names of the events whose data is `schema`. */
  events: readonly string[]
  schema: S
  /** The queries an event makes stale. */
  keysFor: (event: z.output<S>) => QueryKey[]
  /** The key prefix of everything the feature shows: refetched when events could not be replayed. */
  allKey: QueryKey
  /** Makes the EventSource (tests); the browser's by default. */
  connect?: (url: string) => EventSourceLike
}

/** Subscribes for as long as the calling component (or effect scope) lives; a new query reopens. */
export function useLiveQueries<S extends z.ZodType>(
  route: EventStreamRoute,
  query: MaybeRefOrGetter<Record<string, string | undefined>>,
  options: LiveQueriesOptions<S>,
) {
  const queryClient = useQueryClient()
  const state = ref<LiveState>('connecting')
  const lastError = ref<ApiError | null>(null)
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

  /** Refetches the feature's queries whose data was cached before the subscription began. */
  const catchUp = (subscribedAt: number) => {
    const older = queryClient
      .getQueryCache()
      .findAll({ queryKey: options.allKey })
      .filter((q) => q.state.dataUpdatedAt > 0 && q.state.dataUpdatedAt <= subscribedAt)
    for (const q of older) void queryClient.invalidateQueries({ queryKey: q.queryKey, exact: true })
  }

  const stop = watch(
    () => JSON.stringify(toValue(query)),
    (_key, _old, onCleanup) => {
      let hasOpened = false
      const subscribedAt = Date.now()
      const unsubscribe = subscribeEvents(route, {
        query: toValue(query),
        events: options.events,
        schema: options.schema,
        connect: options.connect,
        onEvent: (event) => {
          if (state.value === 'reloaded') state.value = 'open'
          schedule(options.keysFor(event))
        },
        onError: (error) => (lastError.value = error),
        onReload: () => {
          schedule([options.allKey])
          state.value = 'reloaded'
        },
        onState: (next) => {
          if (next === 'open' && !hasOpened) {
            hasOpened = true
            catchUp(subscribedAt)
          }
          // `reloaded` stays shown while the stream is open, until the next event.
          if (next !== 'open' || state.value !== 'reloaded') state.value = next
        },
      })
      onCleanup(unsubscribe)
    },
    { immediate: true },
  )
  onScopeDispose(() => {
    stop()
    if (timer) clearTimeout(timer)
  })

  return { state: readonly(state), lastError: readonly(lastError) }
}
