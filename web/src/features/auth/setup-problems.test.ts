import { PASSWORD_MIN_LENGTH } from '@tg/contracts'
import { describe, expect, it } from 'vitest'
import { hasSetupProblems, setupProblemsOf } from './setup-problems'

const LONG = 'x'.repeat(PASSWORD_MIN_LENGTH)

describe('setupProblemsOf', () => {
  it('reports a too short password and a mismatch together', () => {
    const problems = setupProblemsOf({ password: 'short', confirm: 'other' })
    expect(problems.password).toMatch(/Too short/)
    expect(problems.confirm).toBe('The passwords do not match.')
  })

  it('reports only what is wrong', () => {
    expect(setupProblemsOf({ password: 'short', confirm: 'short' })).toEqual({
      password: `Too short: use at least ${PASSWORD_MIN_LENGTH} characters.`,
    })
    expect(setupProblemsOf({ password: LONG, confirm: `${LONG}y` })).toEqual({
      confirm: 'The passwords do not match.',
    })
    expect(hasSetupProblems(setupProblemsOf({ password: LONG, confirm: LONG }))).toBe(false)
  })
})
