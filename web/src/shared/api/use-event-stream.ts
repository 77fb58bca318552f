import { onScopeDispose, readonly, ref, toValue, watch } from 'vue'
import type { MaybeRefOrGetter } from 'vue'
import type { z } from 'zod'
import type { ApiError } from './api-error'
import { subscribeEvents } from './events'
import type { EventStreamOptions, EventStreamRoute, EventStreamState } from './events'

type StreamOptions<S extends z.ZodType> = Pick<EventStreamOptions<S>, 'events' | 'schema' | 'onEvent' | 'connect'> & {
  /** Called when the stream opens again after it dropped: events may have been missed meanwhile. */
  onReconnected?: () => void
}

/**
 * An event stream for as long as the calling component (or effect scope) lives. A new query
 * closes the stream and opens another. `state` feeds a live indicator; `lastError` is the last
 * event that failed its contract (it was not delivered).
 */
export function useEventStream<S extends z.ZodType>(
  route: EventStreamRoute,
  query: MaybeRefOrGetter<Record<string, string | undefined>>,
  options: StreamOptions<S>,
) {
  const state = ref<EventStreamState>('connecting')
  const lastError = ref<ApiError | null>(null)
  let hasDropped = false

  const stop = watch(
    () => JSON.stringify(toValue(query)),
    (_key, _old, onCleanup) => {
      hasDropped = false
      const unsubscribe = subscribeEvents(route, {
        query: toValue(query),
        events: options.events,
        schema: options.schema,
        connect: options.connect,
        onEvent: options.onEvent,
        onError: (error) => (lastError.value = error),
        onState: (next) => {
          if (next === 'reconnecting') hasDropped = true
          else if (next === 'open' && hasDropped) {
            hasDropped = false
            options.onReconnected?.()
          }
          state.value = next
        },
      })
      onCleanup(unsubscribe)
    },
    { immediate: true },
  )
  onScopeDispose(stop)

  return { state: readonly(state), lastError: readonly(lastError) }
}
