import { describe, expect, it } from 'vitest'
import { budgetLevelOf, formatEpsilon, formatPercent } from './training-format'

const run = (epsilonSpent: number, state: 'running' | 'budget_exhausted' = 'running') => ({
  epsilonSpent,
  state,
  dp: { epsilonBudget: 2 },
})

describe('training run formats', () => {
  it('formats epsilon to four significant digits and an unbounded one in words', () => {
    expect(formatEpsilon(1.23456)).toBe('1.235')
    expect(formatEpsilon(0.000123456)).toBe('0.0001235')
    expect(formatEpsilon(Number.MAX_VALUE)).toBe('unbounded')
    expect(formatPercent(0.414)).toBe('41%')
  })

  it('ranks the budget: within, near from 80%, exhausted at 100% or by state', () => {
    expect(budgetLevelOf(run(1.5))).toBe('within')
    expect(budgetLevelOf(run(1.6))).toBe('near')
    expect(budgetLevelOf(run(2))).toBe('exhausted')
    expect(budgetLevelOf(run(1.1, 'budget_exhausted'))).toBe('exhausted')
  })
})
