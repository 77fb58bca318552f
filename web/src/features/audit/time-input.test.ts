import { describe, expect, it } from 'vitest'
import { fromLocalInput, toLocalInput } from './time-input'

describe('datetime-local values', () => {
  it('round-trips a local minute through a UTC instant', () => {
    const iso = fromLocalInput('2026-11-23T13:05')!
    expect(iso).toMatch(/^2026-11-2\dT\d\d:05:00\.000Z$/)
    expect(toLocalInput(iso)).toBe('2026-11-23T13:05')
  })

  it('treats empty and invalid values as no filter', () => {
    expect(fromLocalInput('')).toBeUndefined()
    expect(fromLocalInput('yesterday')).toBeUndefined()
    expect(toLocalInput(undefined)).toBe('')
  })
})
