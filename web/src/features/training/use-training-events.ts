// Live training updates: the server's `round` and `run` events mark the affected queries stale,
// so that new rounds, epsilon and states appear without a reload. Bursts of events are coalesced.
import { useQueryClient } from '@tanstack/vue-query'
import type { QueryKey } from '@tanstack/vue-query'
import { TrainingEventSchema, trainingEventsRoute } from '@tg/contracts'
import type { TrainingEvent } from '@tg/contracts'
import { onScopeDispose, toValue } from 'vue'
import type { MaybeRefOrGetter } from 'vue'
import { useEventStream } from '@/shared/api'
import { trainingKeys } from './queries'

/** How long events are gathered before the queries they touch are refetched. */
export const COALESCE_MS = 150

/** The queries an event makes stale: its run, its rounds (for a round), and every run list. */
export function keysToInvalidate(event: TrainingEvent): QueryKey[] {
  const keys: QueryKey[] = [trainingKeys.runLists(), trainingKeys.run(event.runId)]
  if (event.type === 'round') keys.push(trainingKeys.rounds(event.runId))
  return keys
}

/** Subscribes while the calling component lives: to one run's events, or to all when `runId` is unset. */
export function useTrainingEvents(runId?: MaybeRefOrGetter<string | undefined>) {
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

  return useEventStream(trainingEventsRoute, () => ({ runId: toValue(runId) }), {
    events: ['round', 'run'],
    schema: TrainingEventSchema,
    onEvent: (event) => schedule(keysToInvalidate(event)),
    // Events sent while the stream was down are lost: refetch everything of training.
    onReconnected: () => schedule([trainingKeys.all]),
  })
}
