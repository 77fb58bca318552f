import { describe, expect, it } from 'vitest'
import { ApiError } from '@/shared/api'
import { fieldErrorsOf, unmappedIssuesOf } from './form-errors'

const invalid = new ApiError({
  status: 422,
  code: 'VALIDATION_FAILED',
  message: 'The request is not valid.',
  requestId: 'r1',
  details: {
    issues: [
      { path: 'username', message: 'Use lowercase letters.' },
      { path: 'roles.0', message: 'Unknown role.' },
      { path: '', message: 'Change at least one field.' },
    ],
  },
})

describe('form errors', () => {
  it('maps 422 issues to the fields of the form, nested paths to their field', () => {
    expect(fieldErrorsOf(invalid, ['username', 'roles'])).toEqual({
      username: 'Use lowercase letters.',
      roles: 'Unknown role.',
    })
  })

  it('keeps issues that no field shows for the alert', () => {
    expect(unmappedIssuesOf(invalid, ['username', 'roles'])).toEqual([
      { path: '', message: 'Change at least one field.' },
    ])
  })

  it('maps a 409 that names its field (a taken username) to that field', () => {
    const taken = new ApiError({
      status: 409,
      code: 'CONFLICT',
      message: 'The username "vera" is taken.',
      requestId: 'r2',
      details: { field: 'username' },
    })
    expect(fieldErrorsOf(taken, ['username'])).toEqual({ username: 'The username "vera" is taken.' })
    expect(fieldErrorsOf(taken, ['password'])).toEqual({})
  })
})
