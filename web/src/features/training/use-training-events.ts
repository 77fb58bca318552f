// Live training updates: the server's `round` and `run` events mark the affected queries stale,
// so that new rounds, epsilon and states appear without a reload. Bursts of events are coalesced.
import type { QueryKey } from '@tanstack/vue-query'
import { TrainingEventSchema, trainingEventsRoute } from '@tg/contracts'
import type { TrainingEvent } from '@tg/contracts'
import { toValue } from 'vue'
import type { MaybeRefOrGetter } from 'vue'
import { useLiveQueries } from '@/shared/api'
import { trainingKeys } from './queries'

export { COALESCE_MS } from '@/shared/api'

/** The queries an event makes stale: its run, its rounds (for a round), and every run list. */
export function keysToInvalidate(event: TrainingEvent): QueryKey[] {
  const keys: QueryKey[] = [trainingKeys.runLists(), trainingKeys.run(event.runId)]
  if (event.type === 'round') keys.push(trainingKeys.rounds(event.runId))
  return keys
}

/** Subscribes while the calling component lives: to one run's events, or to all when `runId` is unset. */
export function useTrainingEvents(runId?: MaybeRefOrGetter<string | undefined>) {
  return useLiveQueries(trainingEventsRoute, () => ({ runId: toValue(runId) }), {
    events: ['round', 'run'],
    schema: TrainingEventSchema,
    keysFor: keysToInvalidate,
    allKey: trainingKeys.all,
  })
}
