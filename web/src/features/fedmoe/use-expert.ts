import { useQuery } from '@tanstack/vue-query'
import { ExpertIdParamSchema } from '@tg/contracts'
import { computed, toValue } from 'vue'
import type { MaybeRefOrGetter } from 'vue'
import { isApiError } from '@/shared/api'
import { expertQuery } from './queries'

/** A family by the id of the URL: an id that cannot exist is not asked for, and reads as not found. */
export function useExpert(expertId: MaybeRefOrGetter<string>) {
  const isValidId = computed(() => ExpertIdParamSchema.safeParse({ expertId: toValue(expertId) }).success)
  const expert = useQuery(computed(() => ({ ...expertQuery(toValue(expertId)), enabled: isValidId.value })))
  const isNotFound = computed(
    () => !isValidId.value || (isApiError(expert.error.value) && expert.error.value.code === 'NOT_FOUND'),
  )
  return { expert, isValidId, isNotFound }
}
