import { describe, expect, it } from 'vitest'
import { formatNumber, formatRounds, isFinalState, runPath } from './run-view'

describe('run view helpers', () => {
  it('formats settings to four significant digits, tiny ones as exponents', () => {
    expect(formatNumber(1e-5)).toBe('1.0e-5')
    expect(formatNumber(0.01)).toBe('0.01')
    expect(formatNumber(1.23456)).toBe('1.235')
  })

  it('says how many rounds are done and missing', () => {
    expect(formatRounds({ roundsRecorded: 3, plannedRounds: 10, missingRounds: 0 })).toBe('3 of 10')
    expect(formatRounds({ roundsRecorded: 3, plannedRounds: 10, missingRounds: 2 })).toBe('3 of 10 (2 missing)')
  })

  it('knows the states that take no more rounds, and the detail path', () => {
    expect(isFinalState('budget_exhausted')).toBe(true)
    expect(isFinalState('running')).toBe(false)
    expect(runPath('a b')).toBe('/training/runs/a%20b')
  })
})
