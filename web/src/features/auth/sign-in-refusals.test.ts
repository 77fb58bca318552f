import { SIGN_IN_REFUSAL_REASONS } from '@tg/contracts'
import { describe, expect, it } from 'vitest'
import { refusalMessageOf } from './sign-in-refusals'

describe('refusalMessageOf', () => {
  it('explains every refusal reason the server sends', () => {
    for (const reason of SIGN_IN_REFUSAL_REASONS) expect(refusalMessageOf(reason)).toMatch(/\w{3,}/)
    expect(refusalMessageOf('no_mapped_group')).toContain('none of the groups')
    expect(refusalMessageOf(['attempt_expired'])).toContain('Start again')
  })
  it('shows nothing for an unknown or missing value', () => {
    expect(refusalMessageOf('<script>')).toBeNull()
    expect(refusalMessageOf(undefined)).toBeNull()
  })
})
