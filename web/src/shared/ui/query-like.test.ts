import { describe, expect, it, vi } from 'vitest'
import { ref } from 'vue'
import { combineQueries } from './query-like'

const queryOf = <D>(data: D | undefined, error: unknown = null, isFetching = false) => ({
  data: ref(data),
  error: ref(error),
  isFetching: ref(isFetching),
  refetch: vi.fn(),
})

describe('combineQueries', () => {
  it('has data only when every query has data, in the order given', () => {
    const fleets = queryOf(['f1'])
    const channels = queryOf<string[]>(undefined, null, true)
    const both = combineQueries(fleets, channels)
    expect(both.data.value).toBeUndefined()
    expect(both.isFetching.value).toBe(true)
    channels.data.value = ['stable']
    expect(both.data.value).toEqual([['f1'], ['stable']])
  })

  it('reports the first error and refetches every query on retry', async () => {
    const failure = new Error('down')
    const a = queryOf(1)
    const b = queryOf<number>(undefined, failure)
    const both = combineQueries(a, b)
    expect(both.error.value).toBe(failure)
    await both.refetch()
    expect(a.refetch).toHaveBeenCalled()
    expect(b.refetch).toHaveBeenCalled()
  })
})
