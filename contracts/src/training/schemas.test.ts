import { describe, expect, it } from 'vitest'
import { ListRoundsQuerySchema, METRICS_MAX_KEYS, RoundMetricsSchema } from './schemas'
import { encodeRoundCursor } from './cursor'

const messages = (result: { success: boolean; error?: { issues: Array<{ message: string }> } }) =>
  result.error?.issues.map((i) => i.message).join(' ') ?? ''

describe('round metrics limits', () => {
  it('accepts named finite numbers up to the limit', () => {
    const metrics = Object.fromEntries(Array.from({ length: METRICS_MAX_KEYS }, (_, i) => [`m_${i}`, i]))
    expect(RoundMetricsSchema.safeParse(metrics).success).toBe(true)
    expect(RoundMetricsSchema.safeParse({ loss: null, 'eval/f1': 0.5, 'lr.head-2': 1e-4 }).success).toBe(true)
  })

  it('refuses too many metrics, naming the limit', () => {
    const metrics = Object.fromEntries(Array.from({ length: METRICS_MAX_KEYS + 1 }, (_, i) => [`m_${i}`, i]))
    const result = RoundMetricsSchema.safeParse(metrics)
    expect(result.success).toBe(false)
    expect(messages(result)).toContain(`At most ${METRICS_MAX_KEYS} metrics`)
  })

  it('refuses names too long, empty, or with other characters (NUL, spaces, quotes)', () => {
    for (const key of ['a'.repeat(65), '', 'has space', 'nul\u0000', '1starts_with_digit', 'é', '"q"']) {
      const result = RoundMetricsSchema.safeParse({ [key]: 1 })
      expect(result.success, JSON.stringify(key)).toBe(false)
      expect(messages(result)).toContain('Metric names are 1 to 64 characters')
    }
  })

  it('refuses values that are not finite numbers', () => {
    for (const value of [Infinity, -Infinity, NaN, '1', null, [1], { a: 1 }])
      expect(RoundMetricsSchema.safeParse({ custom: value }).success, String(value)).toBe(false)
    expect(RoundMetricsSchema.safeParse({ loss: Infinity }).success).toBe(false)
  })
})

describe('rounds list query', () => {
  it('reads a cursor it made and refuses a forged one', () => {
    expect(ListRoundsQuerySchema.parse({ cursor: encodeRoundCursor(7) })).toEqual({
      order: 'asc',
      limit: 100,
      cursor: 7,
    })
    const forged = ListRoundsQuerySchema.safeParse({ cursor: 'eyJpZCI6MX0' })
    expect(forged.success).toBe(false)
    expect(messages(forged)).toContain('The cursor is not valid')
    expect(ListRoundsQuerySchema.safeParse({ limit: '501' }).success).toBe(false)
  })
})
